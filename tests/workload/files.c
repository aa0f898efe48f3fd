/*
 * Test workload: makes known file syscalls through syscall(2), so that the
 * arguments are exactly the ones written here (libc wrappers add flags).
 * Built by the tests for x86_64 and, with -m32, for ia32.
 *
 * Each scenario runs between openat(AT_FDCWD, "--begin--") and
 * openat(AT_FDCWD, "--end--"), which fail with ENOENT and let a test cut
 * the lines it asserts out of the whole trace.
 *
 * usage: files SCENARIO [ARG]
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef FAN_CLASS_NOTIF
#define FAN_CLASS_NOTIF 0x0
#define FAN_CLOEXEC 0x1
#define FAN_MARK_ADD 0x1
#define FAN_MARK_ONLYDIR 0x8
#define FAN_OPEN 0x20
#define FAN_ONDIR 0x40000000
#endif

static long sys_openat(int dirfd, const char *path, long flags, long mode)
{
	return syscall(SYS_openat, dirfd, path, flags, mode);
}

static long sys_fanotify_mark(int fd, unsigned flags, uint64_t mask, int dirfd, const char *path)
{
#ifdef __i386__
	/* ia32 takes the 64-bit mask as two registers, low half first. */
	return syscall(SYS_fanotify_mark, fd, flags, (uint32_t)mask, (uint32_t)(mask >> 32), dirfd,
		       path);
#else
	return syscall(SYS_fanotify_mark, fd, flags, mask, dirfd, path);
#endif
}

static void marker(const char *name)
{
	sys_openat(AT_FDCWD, name, O_RDONLY, 0);
}

static void close_fd(long fd)
{
	if (fd >= 0)
		close(fd);
}

/* The calls of the end-to-end tests; run in an empty directory. */
static void basic(void)
{
	long fd;

	close_fd(open("exists", O_WRONLY | O_CREAT, 0600)); /* libc open: before the marker */
	marker("--begin--");
	fd = sys_openat(AT_FDCWD, "exists", O_RDONLY | O_CLOEXEC, 0);
	close_fd(fd);
	sys_openat(AT_FDCWD, "missing", O_RDONLY, 0);
	fd = sys_openat(AT_FDCWD, "created", O_WRONLY | O_CREAT | O_TRUNC, 0644);
	close_fd(fd);
	syscall(SYS_symlinkat, "target", AT_FDCWD, "link");
	syscall(SYS_symlinkat, "target", AT_FDCWD, "link");
	fd = syscall(SYS_fanotify_init, FAN_CLASS_NOTIF | FAN_CLOEXEC, O_RDONLY);
	sys_fanotify_mark(fd, FAN_MARK_ADD | FAN_MARK_ONLYDIR, FAN_OPEN | FAN_ONDIR, AT_FDCWD, ".");
	sys_fanotify_mark(fd, FAN_MARK_ADD, FAN_OPEN, AT_FDCWD, "missing");
	close_fd(fd);
	marker("--end--");
}

/* openat of "spin" forever: a busy process for the filter tests. */
static void spin(void)
{
	for (;;) {
		close_fd(sys_openat(AT_FDCWD, "spin", O_RDONLY, 0));
		usleep(1000);
	}
}

/* Waits for a line on stdin, then runs basic(): lets a test attach first. */
static void wait_then_basic(void)
{
	char line[16];

	if (!fgets(line, sizeof(line), stdin))
		exit(3);
	basic();
}

/* COUNT openat+close pairs of /dev/null: the storm of the benchmark. */
static void storm(long count)
{
	for (long i = 0; i < count; i++)
		close_fd(sys_openat(AT_FDCWD, "/dev/null", O_RDONLY, 0));
}

int main(int argc, char **argv)
{
	const char *scenario = argc > 1 ? argv[1] : "";

	if (!strcmp(scenario, "basic"))
		basic();
	else if (!strcmp(scenario, "spin"))
		spin();
	else if (!strcmp(scenario, "wait"))
		wait_then_basic();
	else if (!strcmp(scenario, "storm"))
		storm(argc > 2 ? atol(argv[2]) : 1000000);
	else {
		fprintf(stderr, "usage: files basic|spin|wait|storm [COUNT]\n");
		return 2;
	}
	return 0;
}
