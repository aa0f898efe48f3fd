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
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/swap.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <sys/fanotify.h>

static long sys_openat(long dirfd, const char *path, long flags, long mode)
{
	return syscall(SYS_openat, dirfd, path, flags, mode);
}

static long sys_fanotify_mark(long fd, unsigned flags, uint64_t mask, long dirfd, const char *path)
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

/* A register value whose upper half is junk: int arguments must ignore it. */
#ifdef __x86_64__
#define JUNK(v) ((long)(0xdeadbeef00000000UL | (uint32_t)(v)))
#else
#define JUNK(v) ((long)(v))
#endif

/* The kernel's O_LARGEFILE: glibc defines it as 0 on x86_64. */
#define KERNEL_O_LARGEFILE 0100000

/* Where decode() maps its struct open_how, so that its address prints the same every run. */
#define FIXED_PAGE ((void *)0x10000000)

/* An address nothing is mapped at. */
#define UNMAPPED ((const char *)0x1000)

struct how {
	uint64_t flags, mode, resolve;
};

/* Every decoding case of the strace dialect; run in an empty directory. */
static void decode(void)
{
	static char long_path[4001], too_long[5001];
	struct how *how = mmap(FIXED_PAGE, 4096, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	int i;

	if (how != FIXED_PAGE)
		exit(4);
	*how = (struct how){ O_RDONLY | O_CLOEXEC, 0, 0x04 | 0x08 };

	close_fd(open("f", O_WRONLY | O_CREAT, 0600));
	for (i = 0; i < 4000; i++)
		long_path[i] = i % 100 == 99 ? '/' : 'a';
	memset(too_long, 'b', 5000);

	marker("--begin--");
	/* access modes, then every open flag */
	close_fd(sys_openat(AT_FDCWD, "f", O_RDONLY, 0));
	close_fd(sys_openat(AT_FDCWD, "f", O_WRONLY | O_APPEND, 0));
	close_fd(sys_openat(AT_FDCWD, "f", O_RDWR | O_NONBLOCK | O_NOCTTY, 0));
	sys_openat(AT_FDCWD, "nodir/f", O_ACCMODE, 0);
	close_fd(sys_openat(AT_FDCWD, ".", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC, 0));
	close_fd(sys_openat(AT_FDCWD, ".", O_PATH, 0));
	sys_openat(AT_FDCWD, "nodir/f", O_WRONLY | O_CREAT | O_EXCL, 0600);
	sys_openat(AT_FDCWD, "nodir/f", O_RDWR | O_CREAT | O_TRUNC | O_SYNC, 04755);
	sys_openat(AT_FDCWD, "nodir/f", O_WRONLY | O_DSYNC | O_DIRECT | KERNEL_O_LARGEFILE, 0);
	sys_openat(AT_FDCWD, "nodir/f", O_RDONLY | O_NOATIME | FASYNC, 0);
	sys_openat(AT_FDCWD, "nodir", O_RDWR | O_TMPFILE, 0600);
	sys_openat(AT_FDCWD, "nodir/f", O_CREAT, 0);
	/* unknown bits, junk in the upper halves of int arguments */
	sys_openat(AT_FDCWD, "nodir/f", O_RDONLY | 0x80000000, 0);
	sys_openat(JUNK(AT_FDCWD), "nodir/f", JUNK(O_WRONLY), 0);
	sys_openat(JUNK(-5), "f", O_RDONLY, 0);
	sys_openat(99, "f", O_RDONLY, 0);
	/* pointers: NULL, unmapped */
	sys_openat(AT_FDCWD, NULL, O_RDONLY, 0);
	sys_openat(AT_FDCWD, UNMAPPED, O_RDONLY, 0);
	/* hostile names */
	sys_openat(AT_FDCWD, "new\nline", O_RDONLY, 0);
	sys_openat(AT_FDCWD, "\033[31mred\033[0m\0337", O_RDONLY, 0);
	sys_openat(AT_FDCWD, "bad\xff\xfeutf8\x7f", O_RDONLY, 0);
	sys_openat(AT_FDCWD, "quote\"back\\slash\ttab\v\f\r", O_RDONLY, 0);
	/* a 4000-byte path in full, a 5000-byte one cut */
	sys_openat(AT_FDCWD, long_path, O_RDONLY, 0);
	sys_openat(AT_FDCWD, too_long, O_RDONLY, 0);

	/* symlinkat */
	syscall(SYS_symlinkat, "target", AT_FDCWD, "link");
	syscall(SYS_symlinkat, "target", JUNK(-5), "link");
	syscall(SYS_symlinkat, NULL, AT_FDCWD, "x");
	syscall(SYS_symlinkat, "new\nline", AT_FDCWD, UNMAPPED);

	/* fanotify */
	close_fd(syscall(SYS_fanotify_init, FAN_CLASS_NOTIF | FAN_CLOEXEC | FAN_NONBLOCK,
			 O_RDONLY | KERNEL_O_LARGEFILE));
	syscall(SYS_fanotify_init, 0x0c, O_WRONLY);
	{
		long fd = syscall(SYS_fanotify_init, FAN_CLASS_NOTIF, O_RDONLY);

		sys_fanotify_mark(fd, FAN_MARK_ADD | FAN_MARK_MOUNT, FAN_OPEN | FAN_CLOSE_WRITE,
				  AT_FDCWD, ".");
		sys_fanotify_mark(fd, FAN_MARK_ADD | FAN_MARK_DONT_FOLLOW | FAN_MARK_ONLYDIR,
				  FAN_ACCESS | FAN_MODIFY | FAN_CLOSE_NOWRITE | FAN_OPEN_EXEC |
					  FAN_EVENT_ON_CHILD | FAN_ONDIR,
				  FAN_NOFD, "/");
		sys_fanotify_mark(fd, FAN_MARK_REMOVE, FAN_OPEN, AT_FDCWD, "f");
		sys_fanotify_mark(fd, FAN_MARK_ADD | FAN_MARK_IGNORED_MASK |
					      FAN_MARK_IGNORED_SURV_MODIFY,
				  FAN_MODIFY, AT_FDCWD, "f");
		sys_fanotify_mark(fd, FAN_MARK_FLUSH, 0, AT_FDCWD, NULL);
		sys_fanotify_mark(fd, 0x80000000, FAN_OPEN, AT_FDCWD, ".");
		sys_fanotify_mark(fd, FAN_MARK_ADD, FAN_OPEN | (1ULL << 40), AT_FDCWD, ".");
		sys_fanotify_mark(fd, FAN_MARK_ADD, FAN_OPEN, FAN_NOFD, ".");
		sys_fanotify_mark(fd, FAN_MARK_ADD, FAN_OPEN, AT_FDCWD, UNMAPPED);
		sys_fanotify_mark(JUNK(fd), FAN_MARK_ADD, FAN_OPEN, JUNK(AT_FDCWD), "nodir/f");
		close_fd(fd);
	}

	/* the family */
	close_fd(syscall(SYS_open, "f", O_RDONLY));
	syscall(SYS_open, "nodir/f", O_WRONLY | O_CREAT, 0644);
	syscall(SYS_creat, "nodir/f", 0644);
	syscall(SYS_creat, NULL, 0);
	close_fd(syscall(SYS_openat2, AT_FDCWD, "f", how, sizeof(*how)));
	syscall(SYS_openat2, AT_FDCWD, "f", UNMAPPED, sizeof(*how));
	syscall(SYS_openat2, AT_FDCWD, "f", how, 16);
	syscall(SYS_symlink, "target", "link2");
	syscall(SYS_symlink, "target", "nodir/x");
	marker("--end--");
}

/* openat2 with a struct open_how bigger than the kernel's: a tail that is
 * non-zero, zero, unreadable (on an unmapped page), and longer than strace
 * shows. Run in an empty directory. */
static void open_how_tails(void)
{
	char *page = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	struct how *how = (struct how *)page;
	struct how *last = (struct how *)(page + 4096 - sizeof(struct how));

	if (page == MAP_FAILED || munmap(page + 4096, 4096))
		exit(4);
	close_fd(open("f", O_WRONLY | O_CREAT, 0600));
	*how = (struct how){ O_RDONLY | O_CLOEXEC, 0, 0x08 };
	*last = *how;

	marker("--begin--");
	page[24] = (char)0x80;
	syscall(SYS_openat2, AT_FDCWD, "f", how, 32);
	page[24] = 0;
	close_fd(syscall(SYS_openat2, AT_FDCWD, "f", how, 32));
	syscall(SYS_openat2, AT_FDCWD, "f", last, 32);
	page[60] = 1;
	syscall(SYS_openat2, AT_FDCWD, "f", how, 64);
	marker("--end--");
}

/* exit-in-call FIFO: a thread blocks opening FIFO, and once it is inside
 * the call, the main thread ends the process: the call never returns. */
static volatile long blocked_tid;

static void *open_fifo(void *path)
{
	blocked_tid = syscall(SYS_gettid);
	sys_openat(AT_FDCWD, path, O_RDONLY, 0);
	return NULL;
}

static void exit_in_call(const char *fifo)
{
	pthread_t thread;
	char file[64], line[64] = "";

	marker("--begin--");
	pthread_create(&thread, NULL, open_fifo, (void *)fifo);
	while (!blocked_tid)
		usleep(1000);
	snprintf(file, sizeof(file), "/proc/self/task/%ld/syscall", blocked_tid);
	while (atol(line) != SYS_openat) {
		FILE *f = fopen(file, "r");

		usleep(1000);
		if (!f)
			exit(5);
		if (!fgets(line, sizeof(line), f))
			line[0] = 0;
		fclose(f);
	}
	_exit(0);
}

/* Where file_calls() maps a page followed by a hole. */
#define EDGE_PAGE ((void *)0x20000000)

/* Same number on both ABIs; older headers lack it. */
#ifndef SYS_fchmodat2
#define SYS_fchmodat2 452
#endif

/* A swap area of SWAP_PAGES pages: zeros, the version-1 header and its magic. */
#define SWAP_PAGES 40

static void make_swapfile(const char *name)
{
	static char page[4096];
	uint32_t header[3] = { 1, SWAP_PAGES - 1, 0 }; /* version, last_page, nr_badpages */
	int fd = open(name, O_WRONLY | O_CREAT | O_TRUNC, 0600);

	for (int i = 0; i < SWAP_PAGES; i++) {
		if (i == 0) {
			memcpy(page + 1024, header, sizeof(header));
			memcpy(page + 4096 - 10, "SWAPSPACE2", 10);
		} else {
			memset(page, 0, sizeof(page));
		}
		if (write(fd, page, sizeof(page)) != sizeof(page))
			exit(5);
	}
	fsync(fd);
	close(fd);
}

/*
 * Every call that names or changes a file by path, each succeeding and
 * failing: relative, absolute and dirfd-relative paths, NULL and unmapped
 * pointers, unknown flag bits, junk in the upper halves of int registers,
 * hostile names. Needs root: it runs in a mount namespace of its own, so
 * that its mounts, umounts and pivot_root touch nothing else. Run in an
 * empty directory on a file system that takes swap files.
 */
static void file_calls(void)
{
	long d, root, here, in, fd, tree;
	char *page;

	if (unshare(CLONE_NEWNS) || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL))
		exit(4);
	close_fd(open("f", O_WRONLY | O_CREAT, 0600));
	mkdir("d", 0755);
	close_fd(open("d/g", O_WRONLY | O_CREAT, 0600));
	symlink("f", "lnk");
	mkdir("mnt", 0755);
	mkdir("attach", 0755);
	mkdir("newroot", 0755);
	if (mount("none", "mnt", "tmpfs", 0, NULL) || mount("none", "newroot", "tmpfs", 0, NULL))
		exit(4);
	mkdir("newroot/old", 0755);
#ifdef __i386__
	mkdir("mnt32", 0755);
	if (mount("none", "mnt32", "tmpfs", 0, NULL))
		exit(4);
#endif
	make_swapfile("swap");
	d = open("d", O_RDONLY | O_DIRECTORY);          /* 3 */
	root = open("/", O_RDONLY | O_DIRECTORY);       /* 4 */
	here = open(".", O_RDONLY | O_DIRECTORY);       /* 5 */
	in = syscall(SYS_inotify_init1, IN_CLOEXEC);    /* 6 */
	if (d != 3 || root != 4 || here != 5 || in != 6)
		exit(6);
	/* 4096 bytes without a NUL, then a page nothing is mapped at */
	page = mmap(EDGE_PAGE, 8192, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	if (page != EDGE_PAGE || munmap(page + 4096, 4096))
		exit(4);
	memset(page, 'c', 4096);

	marker("--begin--");
	/* access family */
	syscall(SYS_access, "f", R_OK | W_OK);
	syscall(SYS_access, "/nonexistent", F_OK);
	syscall(SYS_access, NULL, X_OK);
	syscall(SYS_access, UNMAPPED, 0x8);
	syscall(SYS_faccessat, d, "g", F_OK);
	syscall(SYS_faccessat, JUNK(AT_FDCWD), "nope", JUNK(R_OK));
	syscall(SYS_faccessat2, AT_FDCWD, "/", X_OK, AT_EACCESS | AT_SYMLINK_NOFOLLOW);
	syscall(SYS_faccessat2, d, "", R_OK, AT_EMPTY_PATH);
	syscall(SYS_faccessat2, AT_FDCWD, "f", F_OK, 0x80000000);

	/* modes, directories */
	syscall(SYS_chmod, "f", 0640);
	syscall(SYS_chmod, "nope", 04755);
	syscall(SYS_fchmodat, d, "g", JUNK(0600));
	syscall(SYS_fchmodat, AT_FDCWD, NULL, 0);
	syscall(SYS_fchmodat2, AT_FDCWD, "f", 0644, AT_SYMLINK_NOFOLLOW);
	syscall(SYS_fchmodat2, d, "", 0755, AT_EMPTY_PATH);
	syscall(SYS_fchmodat2, AT_FDCWD, "f", 0644, 0x200);
	syscall(SYS_mkdir, "m", 0755);
	syscall(SYS_mkdir, "m", 0700);
	syscall(SYS_mkdir, "new\nline", 0700);
	syscall(SYS_mkdirat, d, "m2", 01777);
	syscall(SYS_mkdirat, JUNK(-5), "x", JUNK(0755));
	syscall(SYS_mkdirat, AT_FDCWD, "/nonexistent/x", 0);
	syscall(SYS_rmdir, "m");
	syscall(SYS_rmdir, "m");
	syscall(SYS_rmdir, "new\nline");

	/* owners: root may give files away */
	syscall(SYS_chown, "f", 0, 0);
	syscall(SYS_chown, "f", -1, -1);
	syscall(SYS_chown, "nope", 1000, 1000);
	syscall(SYS_lchown, "lnk", 0, 0);
	syscall(SYS_lchown, NULL, 0, 0);
#ifdef __i386__
	syscall(SYS_chown32, "f", 70000, -1);
	syscall(SYS_chown32, "nope", 0, 0);
	syscall(SYS_lchown32, "lnk", -1, 70000);
	syscall(SYS_lchown32, UNMAPPED, 0, 0);
#endif
	syscall(SYS_fchownat, d, "g", 0, -1, 0);
	syscall(SYS_fchownat, AT_FDCWD, "lnk", -1, 0, AT_SYMLINK_NOFOLLOW);
	syscall(SYS_fchownat, AT_FDCWD, "f", 0, 0, 0x1);

	/* links, names */
	syscall(SYS_link, "f", "hard");
	syscall(SYS_link, "f", "hard");
	syscall(SYS_linkat, AT_FDCWD, "f", d, "hard2", AT_SYMLINK_FOLLOW);
	syscall(SYS_linkat, d, "nope", AT_FDCWD, NULL, 0);
	syscall(SYS_linkat, AT_FDCWD, "f", AT_FDCWD, "x", 0x1);
	syscall(SYS_unlink, "hard");
	syscall(SYS_unlink, "d");
	syscall(SYS_unlink, "\033[31mred\033[0m");
	syscall(SYS_unlinkat, d, "m2", AT_REMOVEDIR);
	syscall(SYS_unlinkat, d, "hard2", JUNK(0));
	syscall(SYS_unlinkat, AT_FDCWD, "f", AT_RECURSIVE | 0x1);
	syscall(SYS_rename, "f", "f2");
	syscall(SYS_rename, "nope", "/nonexistent/x");
	syscall(SYS_rename, UNMAPPED, "x");
	syscall(SYS_renameat, AT_FDCWD, "f2", d, "h");
	syscall(SYS_renameat, d, "nope", AT_FDCWD, "bad\xff\xfe");
	syscall(SYS_renameat2, d, "h", AT_FDCWD, "f", RENAME_NOREPLACE);
	syscall(SYS_renameat2, AT_FDCWD, "f", AT_FDCWD, "d", JUNK(RENAME_NOREPLACE));
	syscall(SYS_renameat2, AT_FDCWD, "f", AT_FDCWD, "d", RENAME_EXCHANGE | RENAME_WHITEOUT);
	syscall(SYS_renameat2, AT_FDCWD, "f", AT_FDCWD, "d", 0x8);

	/* nodes, sizes */
	syscall(SYS_mknod, "fifo", S_IFIFO | 0644, 0);
	syscall(SYS_mknod, "fifo", S_IFIFO | 0644, 0);
	syscall(SYS_mknod, "null", S_IFCHR | 0666, makedev(1, 3));
	syscall(SYS_mknod, "odd", 0170644, 0);
	syscall(SYS_mknodat, d, "blk", S_IFBLK | 0600, makedev(7, 0x12345));
	syscall(SYS_mknodat, d, "chr", S_IFCHR | S_ISUID | 0600, JUNK(makedev(1, 3)));
	syscall(SYS_mknodat, AT_FDCWD, "/nonexistent/x", S_IFREG | 0600, 0);
	syscall(SYS_truncate, "f", 4096);
	syscall(SYS_truncate, "nope", 0);
#ifdef __i386__
	/* the length in two registers, low half first */
	syscall(SYS_truncate64, "f", 5, 1);
	syscall(SYS_truncate64, "f", 0xffffffff, 0xffffffff);
	syscall(SYS_truncate64, "f", 0, 0);
#endif

	/* inotify */
	syscall(SYS_inotify_add_watch, in, ".", IN_CREATE | IN_DELETE | IN_ONLYDIR);
	syscall(SYS_inotify_add_watch, in, "nope", IN_ALL_EVENTS);
	syscall(SYS_inotify_add_watch, JUNK(in), "f", 0);
	syscall(SYS_inotify_add_watch, in, "f", IN_MASK_CREATE | IN_MASK_ADD);

	/* the process: working directory, root, accounting, libraries */
	syscall(SYS_chdir, "d");
	syscall(SYS_chdir, "..");
	syscall(SYS_chdir, "/nonexistent");
	syscall(SYS_chdir, page);     /* readable up to PATH_MAX: shown cut */
	syscall(SYS_chdir, page + 1); /* not: unreadable */
	syscall(SYS_chroot, ".");
	fchdir(root);
	syscall(SYS_chroot, ".");
	fchdir(here);
	syscall(SYS_chroot, "nope");
	syscall(SYS_acct, "f");
	syscall(SYS_acct, NULL);
	syscall(SYS_acct, "nope/x");
	syscall(SYS_uselib, "f");

	/* swap */
	syscall(SYS_swapon, "swap", SWAP_FLAG_PREFER | 7);
	syscall(SYS_swapoff, "swap");
	syscall(SYS_swapoff, "swap");
	syscall(SYS_swapon, "f", 0);
	syscall(SYS_swapon, "nope", SWAP_FLAG_DISCARD | 0x80000000);

	/* mounts */
	fd = syscall(SYS_fspick, AT_FDCWD, "mnt", FSPICK_CLOEXEC);
	close_fd(fd);
	syscall(SYS_fspick, d, "", FSPICK_EMPTY_PATH);
	syscall(SYS_fspick, AT_FDCWD, "mnt", 0x10);
	tree = syscall(SYS_open_tree, AT_FDCWD, "d", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
	syscall(SYS_move_mount, tree, "", AT_FDCWD, "attach", MOVE_MOUNT_F_EMPTY_PATH);
	close_fd(tree);
	syscall(SYS_move_mount, AT_FDCWD, "nope", AT_FDCWD, "attach", 0);
	syscall(SYS_move_mount, AT_FDCWD, "mnt", AT_FDCWD, "attach", 0x400);
	close_fd(syscall(SYS_open_tree, d, "", AT_EMPTY_PATH));
	syscall(SYS_open_tree, AT_FDCWD, "nope", 0);
	syscall(SYS_open_tree, AT_FDCWD, "d", 0x4);
	syscall(SYS_umount2, "attach", MNT_DETACH);
	syscall(SYS_umount2, "mnt", 0);
	syscall(SYS_umount2, "mnt", 0);
	syscall(SYS_umount2, "f", 0x10);
#ifdef __i386__
	syscall(SYS_umount, "mnt32");
	syscall(SYS_umount, "nope");
#endif
	syscall(SYS_pivot_root, "nope", "nope/old");
	syscall(SYS_pivot_root, NULL, "x");
	/* last: it makes the tmpfs the root, cwd stays */
	syscall(SYS_pivot_root, "newroot", "newroot/old");
	marker("--end--");
}

/* Opens descriptors and keeps them a while, for -y; run where "exists" is. */
static void hold(void)
{
	long fd, fan;

	marker("--begin--");
	fd = sys_openat(AT_FDCWD, "exists", O_RDONLY, 0);
	fan = syscall(SYS_fanotify_init, FAN_CLASS_NOTIF, O_RDONLY);
	sys_fanotify_mark(fan, FAN_MARK_ADD, FAN_OPEN, AT_FDCWD, ".");
	marker("--end--");
	usleep(500000);
	close_fd(fd);
	close_fd(fan);
}

/* Descriptor 3 closed and reused, then kept a while, for -y. */
static void reuse(void)
{
	long fd;

	marker("--begin--");
	close_fd(sys_openat(AT_FDCWD, "exists", O_RDONLY, 0));
	fd = sys_openat(AT_FDCWD, ".", O_RDONLY | O_DIRECTORY, 0);
	marker("--end--");
	usleep(500000);
	close_fd(fd);
}

/* One call, then a long sleep: the line must show up before the process ends. */
static void one_then_sleep(void)
{
	marker("--begin--");
	sleep(5);
}

/* race COUNT: openat of a path another thread keeps rewriting. */
static char race_path[32] = "race-aaaa";
static volatile int racing = 1;

static void *flip_path(void *unused)
{
	(void)unused;
	while (racing) {
		memcpy(race_path, "race-bbbbbbbb", 14);
		__asm__ volatile("" ::: "memory"); /* keep both stores */
		memcpy(race_path, "race-aaaa\0\0\0\0", 14);
		__asm__ volatile("" ::: "memory");
	}
	return NULL;
}

static void race(long count)
{
	pthread_t flipper;

	pthread_create(&flipper, NULL, flip_path, NULL);
	marker("--begin--");
	for (long i = 0; i < count; i++)
		sys_openat(AT_FDCWD, race_path, O_RDONLY, 0);
	racing = 0;
	pthread_join(flipper, NULL);
	marker("--end--");
}

/* threads N: N threads named worker-I, each opening "t-PID-TID-I" 200 times. */
static void *worker(void *arg)
{
	long index = (long)arg;
	char name[16], path[64];

	snprintf(name, sizeof(name), "worker-%ld", index);
	prctl(PR_SET_NAME, name);
	snprintf(path, sizeof(path), "t-%d-%ld-%ld", getpid(), (long)syscall(SYS_gettid), index);
	for (int i = 0; i < 200; i++)
		sys_openat(AT_FDCWD, path, O_RDONLY, 0);
	return NULL;
}

static void threads(long count)
{
	pthread_t ids[64];

	if (count > 64)
		count = 64;
	marker("--begin--");
	for (long i = 0; i < count; i++)
		pthread_create(&ids[i], NULL, worker, (void *)i);
	for (long i = 0; i < count; i++)
		pthread_join(ids[i], NULL);
	marker("--end--");
}

/* A process name made of a newline, an escape sequence and a space. */
static void evil_comm(void)
{
	prctl(PR_SET_NAME, "e\n\033[31m x");
	marker("--begin--");
	sys_openat(AT_FDCWD, "evil", O_RDONLY, 0);
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

/* thread-target: a second thread prints its tid, waits for a line on stdin,
 * opens "from-worker" and exits; then the main thread opens "from-main" and
 * waits for a second line before it exits. */
static int worker_gate[2];

static void *gated_worker(void *unused)
{
	char byte;

	(void)unused;
	printf("%ld\n", (long)syscall(SYS_gettid));
	fflush(stdout);
	if (read(worker_gate[0], &byte, 1) != 1)
		exit(3);
	sys_openat(AT_FDCWD, "from-worker", O_RDONLY, 0);
	return NULL;
}

static void thread_target(void)
{
	char line[16];
	pthread_t id;

	if (pipe(worker_gate))
		exit(3);
	pthread_create(&id, NULL, gated_worker, NULL);
	if (!fgets(line, sizeof(line), stdin))
		exit(3);
	if (write(worker_gate[1], "g", 1) != 1)
		exit(3);
	pthread_join(id, NULL);
	sys_openat(AT_FDCWD, "from-main", O_RDONLY, 0);
	if (!fgets(line, sizeof(line), stdin))
		exit(3);
}

/* leader-exits: the main thread calls pthread_exit; the other waits for a
 * line on stdin and runs basic(). */
static void *basic_after_line(void *unused)
{
	(void)unused;
	wait_then_basic();
	return NULL;
}

static void leader_exits(void)
{
	pthread_t id;

	pthread_create(&id, NULL, basic_after_line, NULL);
	pthread_exit(NULL);
}

/* renamed-child: a child under another name runs basic(). */
static void renamed_child(void)
{
	pid_t pid = fork();

	if (pid == 0) {
		prctl(PR_SET_NAME, "kid");
		basic();
		exit(0);
	}
	waitpid(pid, NULL, 0);
}

/* fifo: opens the FIFO "fifo" for reading, which blocks until a writer comes. */
static void fifo(void)
{
	close_fd(sys_openat(AT_FDCWD, "fifo", O_RDONLY, 0));
}

/*
 * For the live view: prints "ready", then each line on stdin makes one round
 * of known calls, run where live-a and live-b exist; EOF ends it. Per round:
 * live-a opened 3 times, live-missing 5 times (ENOENT), live-b twice, and the
 * link live-link made twice (0, then EEXIST) and removed (unlink is not
 * traced).
 */
static void live(void)
{
	char line[16];
	int i;

	/* Loaded and waiting: a tracer attached from now on sees the rounds only. */
	printf("ready\n");
	fflush(stdout);
	while (fgets(line, sizeof(line), stdin)) {
		for (i = 0; i < 3; i++)
			close_fd(sys_openat(AT_FDCWD, "live-a", O_RDONLY, 0));
		for (i = 0; i < 5; i++)
			sys_openat(AT_FDCWD, "live-missing", O_RDONLY, 0);
		for (i = 0; i < 2; i++)
			close_fd(sys_openat(AT_FDCWD, "live-b", O_RDONLY, 0));
		for (i = 0; i < 2; i++)
			syscall(SYS_symlinkat, "live-a", AT_FDCWD, "live-link");
		unlink("live-link");
	}
}

/* Where the structs scenario keeps its buffers and strings: a fixed address,
 * so that the addresses failed calls print are known, followed by an
 * unmapped page. */
#define FIXED ((char *)0x20000000)
#define PAGE 4096

static char *fixed_page(void)
{
	char *page = mmap(FIXED, 2 * PAGE, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);

	if (page != FIXED)
		exit(4);
	munmap(FIXED + PAGE, PAGE);
	return page;
}

/* Copies s into the fixed page at off: touched, so readable at entry. */
static char *put(char *page, int off, const char *s)
{
	return strcpy(page + off, s);
}

/*
 * The calls that fill or read structures and buffers, succeeding and
 * failing: the stat family, statx, readlink, getcwd and execve. Run in an
 * empty directory; ends by exec'ing itself as "files end".
 */
static void structs(const char *self)
{
	char *page = fixed_page();
	char *buf = page; /* output buffers: the first 1 KiB */
	char **argv = (char **)(page + 2048), **envp = (char **)(page + 2560);
	char **tail = (char **)(page + PAGE) - 1; /* the last pointer of the page */
	char *bad = (char *)0x1000;
	uint64_t *attr;
	int fd = open("f", O_WRONLY | O_CREAT | O_TRUNC, 0600);
	int i;

	if (fd < 0 || write(fd, "hello", 5) != 5 || fchmod(fd, 0640))
		exit(5);
	close(fd);
	if (symlink("f", "ln") || symlink("0123456789abcdefghijklmnopqrstuvwxyz", "long"))
		exit(6);
	marker("--begin--");
#ifdef __x86_64__
	syscall(SYS_stat, "f", buf);
	syscall(SYS_stat, "missing", buf);
	syscall(SYS_stat, "f", NULL);
	syscall(SYS_stat, "f", bad);
	syscall(SYS_lstat, "ln", buf);
	syscall(SYS_lstat, "/dev/null", buf);
	syscall(SYS_newfstatat, AT_FDCWD, "ln", buf, AT_SYMLINK_NOFOLLOW);
	syscall(SYS_newfstatat, -5, "f", buf, 0);
#else
	syscall(SYS_stat, "f", buf);
	syscall(SYS_stat, "missing", buf);
	syscall(SYS_lstat, "/dev/null", buf);
	syscall(SYS_oldstat, "f", buf);
	syscall(SYS_oldlstat, "ln", buf);
	syscall(SYS_oldstat, "f", bad);
	syscall(SYS_stat64, "f", buf);
	syscall(SYS_lstat64, "/dev/null", buf);
	syscall(SYS_stat64, "missing", buf);
	syscall(SYS_fstatat64, AT_FDCWD, "ln", buf, AT_SYMLINK_NOFOLLOW);
	syscall(SYS_fstatat64, -5, "f", buf, 0);
	syscall(SYS_statfs, "/proc", buf);
	syscall(SYS_statfs64, "/proc", 84, buf);
	syscall(SYS_statfs64, "/proc", 83, buf);
#endif
#ifdef __x86_64__
	syscall(SYS_statfs, "/proc", buf); /* /proc's counts are all 0 */
#endif
	syscall(SYS_statfs, "missing", buf);
	syscall(SYS_statfs, "/proc", NULL);
	/* mount: no target, so nothing is mounted; the flags decide whether
	 * the type and the data print as strings. */
	syscall(SYS_mount, "none", "missing", "tmpfs", MS_RDONLY | MS_NOSUID, "size=1m");
	syscall(SYS_mount, "src", "missing", put(page, 3584, "ignored"), MS_BIND | MS_REC,
		page + 3584);
	syscall(SYS_mount, "none", "missing", page + 3584, 0xc0ed0000UL | MS_REMOUNT, "mode=1");
	syscall(SYS_mount, "none", "missing", "ext4", 0x80000000UL, bad);
	/* struct mount_attr, applied nowhere: no such path, or too short. */
	attr = (uint64_t *)(page + 3072);
	attr[0] = 0x11; /* MOUNT_ATTR_RDONLY|MOUNT_ATTR_NOATIME */
	attr[1] = 0x8;  /* MOUNT_ATTR_NOEXEC */
	attr[2] = 1 << 18; /* MS_PRIVATE */
	attr[3] = 0;
	attr[4] = 0x1234; /* past the struct: shown */
	syscall(442 /* mount_setattr */, AT_FDCWD, "missing", 0x8000, attr, 32);
	syscall(442, AT_FDCWD, "missing", 0, attr, 40);
	syscall(442, AT_FDCWD, "missing", 0, attr, 8);
	syscall(467 /* open_tree_attr */, AT_FDCWD, "missing", 1, attr, 32);
	/* struct file_attr: read back, set on no file, or too short. */
	attr = (uint64_t *)(page + 3136);
	memset(attr, 0, 32);
	syscall(468 /* file_getattr */, AT_FDCWD, "missing", attr, 24, 0);
	syscall(468, AT_FDCWD, "f", attr, 24, AT_SYMLINK_NOFOLLOW);
	attr[0] = 0x48; /* FS_XFLAG_IMMUTABLE|FS_XFLAG_NOATIME */
	syscall(469 /* file_setattr */, AT_FDCWD, "missing", attr, 32, 0);
	syscall(469, AT_FDCWD, "f", attr, 8, 0);
	syscall(SYS_statx, AT_FDCWD, "missing", 0, STATX_SIZE, buf);
	syscall(SYS_statx, AT_FDCWD, "f", AT_SYMLINK_NOFOLLOW | AT_STATX_DONT_SYNC, 0xfff, NULL);
	syscall(SYS_readlink, "ln", buf, 64);
	syscall(SYS_readlink, "f", buf, 64);
	syscall(SYS_readlink, "long", buf, 64);
	syscall(SYS_readlink, "long", buf, 3);
	syscall(SYS_readlink, "ln", bad, 64);
	syscall(SYS_readlinkat, AT_FDCWD, "ln", buf, 64);
	syscall(SYS_getcwd, buf, 1);
	/* Extended attributes. */
	syscall(SYS_setxattr, "f", "user.test", "abc", 4, 1 /* XATTR_CREATE */);
	syscall(SYS_setxattr, "f", "user.test", "abc", 4, 1);
	syscall(SYS_lsetxattr, "f", "user.x", bad, 4, 0);
	syscall(SYS_getxattr, "f", "user.test", buf, 64);
	syscall(SYS_getxattr, "f", "user.test", NULL, 0);
	syscall(SYS_getxattr, "f", "user.test", buf, 2);
	syscall(SYS_lgetxattr, "f", "user.none", buf, 64);
	syscall(SYS_listxattr, "f", buf, 64);
	syscall(SYS_llistxattr, "f", NULL, 0);
	syscall(SYS_removexattr, "f", "user.test");
	syscall(SYS_lremovexattr, "f", "user.test");
	syscall(465 /* listxattrat */, AT_FDCWD, "f", 0, buf, 64);
	syscall(466 /* removexattrat */, AT_FDCWD, "f", AT_SYMLINK_NOFOLLOW, "user.test");
	/* File times: the epoch (no date comment), and the special values. */
	{
		struct timespec *ts = (struct timespec *)(page + 3072);
		struct timeval *tv = (struct timeval *)(page + 3136);
		long *ub = (long *)(page + 3200);

		memset(page + 3072, 0, 256);
		syscall(SYS_utime, "f", ub);
		syscall(SYS_utime, "missing", NULL);
		syscall(SYS_utimes, "f", tv);
		syscall(SYS_futimesat, AT_FDCWD, "f", NULL);
		syscall(SYS_utimensat, AT_FDCWD, "f", ts, 0);
		ts[0].tv_nsec = UTIME_NOW;
		ts[1].tv_nsec = UTIME_OMIT;
		syscall(SYS_utimensat, AT_FDCWD, "f", ts, AT_SYMLINK_NOFOLLOW);
		syscall(SYS_utimensat, AT_FDCWD, "missing", NULL, 0);
		syscall(SYS_utimensat, -5, "f", bad, 0);
	}
	/* execve: every failure, then success. */
	argv[0] = put(page, 1024, "a");
	argv[1] = put(page, 1040, "0123456789abcdefghijklmnopqrstuvwxyz");
	argv[2] = NULL;
	envp[0] = put(page, 1100, "X=1");
	envp[1] = put(page, 1110, "Y=2");
	envp[2] = NULL;
	put(page, 1200, "missing");
	syscall(SYS_execve, page + 1200, argv, envp);
	syscall(SYS_execve, page + 1200, NULL, NULL);
	syscall(SYS_execve, page + 1200, bad, bad);
	*tail = argv[0]; /* an array running into the unmapped page */
	syscall(SYS_execve, page + 1200, tail, tail);
	for (i = 0; i < 40; i++)
		argv[i] = argv[0];
	argv[40] = NULL;
	syscall(SYS_execve, page + 1200, argv, envp);
	argv[0] = put(page, 1300, self);
	argv[1] = put(page, 1400, "end");
	argv[2] = NULL;
	envp[1] = NULL;
	syscall(SYS_execve, argv[0], argv, envp);
	exit(7);
}

/* setxattrat's and getxattrat's argument (Linux 6.13). */
struct xattr_args {
	uint64_t value;
	uint32_t size;
	uint32_t flags;
};

#define SYS_setxattrat_ 463
#define SYS_getxattrat_ 464

/*
 * name_to_handle_at, setxattrat and getxattrat: structs the call rewrites
 * or that point to more memory, succeeding and failing. Run in an empty
 * directory with a file "f"; buffers in the fixed page (see structs).
 */
static void handles(void)
{
	char *page = fixed_page();
	uint32_t *handle = (uint32_t *)(page + 256), *last;
	int *mount_id = (int *)(page + 128);
	struct xattr_args *args = (struct xattr_args *)(page + 3072);
	struct xattr_args *edge = (struct xattr_args *)(page + PAGE - 16);
	char *bad = (char *)0x1000;
	uint32_t size;

	close_fd(sys_openat(AT_FDCWD, "f", O_WRONLY | O_CREAT | O_TRUNC, 0600));
	marker("--begin--");
	/* Too small, then the handle; the same again with the exact size. */
	handle[0] = 0;
	syscall(SYS_name_to_handle_at, AT_FDCWD, "f", handle, mount_id, 0);
	size = handle[0];
	handle[0] = 128;
	syscall(SYS_name_to_handle_at, AT_FDCWD, "f", handle, mount_id, AT_SYMLINK_FOLLOW);
	/* The header and the handle end where the page does. */
	last = (uint32_t *)(page + PAGE - 8 - size);
	last[0] = size;
	syscall(SYS_name_to_handle_at, AT_FDCWD, "f", last, mount_id, AT_EMPTY_PATH);
	handle[0] = 128;
	syscall(SYS_name_to_handle_at, AT_FDCWD, "f", handle, mount_id, AT_SYMLINK_FOLLOW | 0xfc);
	syscall(SYS_name_to_handle_at, AT_FDCWD, "missing", handle, mount_id, 0);
	syscall(SYS_name_to_handle_at, AT_FDCWD, "f", handle, NULL, 0);
	syscall(SYS_name_to_handle_at, AT_FDCWD, "f", NULL, mount_id, 0);
	syscall(SYS_name_to_handle_at, AT_FDCWD, "f", bad, mount_id, 0);
	syscall(SYS_name_to_handle_at, -5, "f", handle, mount_id, 0x201);
	/* Extended attributes through struct xattr_args. */
	args->value = (uintptr_t)put(page, 1024, "abc");
	args->size = 4;
	args->flags = 1; /* XATTR_CREATE */
	syscall(SYS_setxattrat_, AT_FDCWD, "f", 0, "user.test", args, 16);
	syscall(SYS_setxattrat_, AT_FDCWD, "f", AT_SYMLINK_NOFOLLOW, "user.test", args, 16);
	args->value = (uintptr_t)page;
	args->size = 64;
	args->flags = 0;
	syscall(SYS_getxattrat_, AT_FDCWD, "f", 0, "user.test", args, 16);
	args->size = 0;
	syscall(SYS_getxattrat_, AT_FDCWD, "f", 0, "user.test", args, 16);
	args->size = 2;
	syscall(SYS_getxattrat_, AT_FDCWD, "f", 0, "user.test", args, 16);
	syscall(SYS_getxattrat_, AT_FDCWD, "f", 0, "user.test", args, 15);
	syscall(SYS_getxattrat_, AT_FDCWD, "f", 0, "user.test", NULL, 16);
	/* Past the struct: shown when not zero, ??? when unreadable. */
	memset(args + 1, 0, 8);
	*(uint32_t *)(args + 1) = 0x1234;
	syscall(SYS_getxattrat_, AT_FDCWD, "f", 0, "user.test", args, 24);
	edge->value = (uintptr_t)bad;
	edge->size = 4;
	edge->flags = 2; /* XATTR_REPLACE */
	syscall(SYS_setxattrat_, AT_FDCWD, "f", 0, "user.test", edge, 17);
	syscall(SYS_setxattrat_, AT_FDCWD, "f", 0, "user.test", edge, 16);
	edge->value = 0;
	edge->size = 1;
	syscall(SYS_setxattrat_, AT_FDCWD, "f", 0, "user.test", edge, 16);
	syscall(SYS_setxattrat_, AT_FDCWD, "f", 0, "user.test", bad, 16);
	syscall(466 /* removexattrat */, AT_FDCWD, "f", 0, "user.test");
	marker("--end--");
}

/*
 * fsconfig on a real filesystem context (tmpfs, not mounted): each
 * command, succeeding and failing, with strings, a binary value, paths
 * and descriptors, and unreadable or NULL pointers.
 */
static void fs_context(void)
{
	char *page = fixed_page();
	char *bad = (char *)0x1000;
	long fs = syscall(430 /* fsopen */, "tmpfs", 0);
	long dir = open(".", O_RDONLY | O_DIRECTORY);

	if (fs != 3 || dir != 4)
		exit(8);
	memcpy(page, "\x01\x02\xff", 3);
	marker("--begin--");
	syscall(431, fs, 1 /* FSCONFIG_SET_STRING */, "size", "1m", 0);
	syscall(431, fs, 1, "nr_inodes", "0123456789abcdefghijklmnopqrstuvwxyz", 0);
	syscall(431, fs, 1, "0123456789abcdefghijklmnopqrstuvwxyz", "v", 0);
	syscall(431, fs, 1, bad, "v", 0);
	syscall(431, fs, 1, "size", NULL, 0);
	syscall(431, fs, 0 /* FSCONFIG_SET_FLAG */, "ro", page, 0);
	syscall(431, fs, 0, "rw", NULL, 0);
	syscall(431, fs, 2 /* FSCONFIG_SET_BINARY */, "size", page, 3);
	syscall(431, fs, 2, "size", page + PAGE - 2, 3);
	syscall(431, fs, 2, "size", page, -1);
	syscall(431, fs, 3 /* FSCONFIG_SET_PATH */, "source", "missing", dir);
	syscall(431, fs, 3, "source", "/", AT_FDCWD);
	syscall(431, fs, 4 /* FSCONFIG_SET_PATH_EMPTY */, "source", "", dir);
	syscall(431, fs, 3, "source", bad, -1);
	syscall(431, fs, 5 /* FSCONFIG_SET_FD */, "source", NULL, dir);
	syscall(431, fs, 5, "source", page, -1);
	syscall(431, fs, 6 /* FSCONFIG_CMD_CREATE */, NULL, NULL, 0);
	syscall(431, fs, 7 /* FSCONFIG_CMD_RECONFIGURE */, page, page, 5);
	syscall(431, fs, 9, page, page, -100);
	syscall(431, -1, 6, NULL, NULL, 0);
	marker("--end--");
}

#define QCMD_(cmd, type) (((cmd) << 8) | (type))
#define Q_SYNC_ 0x800001
#define Q_QUOTAON_ 0x800002
#define Q_GETFMT_ 0x800004
#define Q_GETINFO_ 0x800005
#define Q_SETINFO_ 0x800006
#define Q_GETQUOTA_ 0x800007
#define Q_SETQUOTA_ 0x800008
#define Q_GETNEXTQUOTA_ 0x800009
#define Q_XQUOTAON_ 0x5801
#define Q_XSETQLIM_ 0x5804
#define Q_XGETQSTAT_ 0x5805
#define Q_XQUOTARM_ 0x5806

/*
 * quotactl: no file system here has quotas, so all but syncing every
 * file system fail; the structures the call reads print all the same,
 * one of them ending where the mapping does.
 */
static void quotas(void)
{
	char *page = fixed_page();
	uint64_t *dqblk = (uint64_t *)(page + 512);
	uint64_t *info = (uint64_t *)(page + 640);
	char *disk = page + 768;
	uint32_t *flags = (uint32_t *)(page + 1024);
	char *bad = (char *)0x1000;
	int i;

	for (i = 0; i < 8; i++)
		dqblk[i] = 1000 * (i + 1);
	((uint32_t *)dqblk)[16] = 0x3f; /* dqb_valid: every QIF_ bit */
	info[0] = 604800;
	info[1] = 86400;
	((uint32_t *)info)[4] = 1 << 16; /* DQF_SYS_FILE */
	((uint32_t *)info)[5] = 3;       /* IIF_BGRACE|IIF_IGRACE */
	memset(disk, 0, 112);
	disk[0] = 1;   /* d_version */
	disk[1] = 1;   /* FS_USER_QUOTA */
	disk[2] = 0xc; /* d_fieldmask */
	*(uint32_t *)(disk + 4) = 1000;
	*(uint64_t *)(disk + 8) = 2048;
	*(int32_t *)(disk + 56) = -1; /* d_itimer */
	*flags = 0x5; /* FS_QUOTA_UDQ_ACCT|FS_QUOTA_GDQ_ACCT */
	memcpy(page + PAGE - 68, dqblk, 68);
	marker("--begin--");
	syscall(SYS_quotactl, QCMD_(Q_SYNC_, 0), NULL, 0, NULL);
	syscall(SYS_quotactl, QCMD_(Q_QUOTAON_, 0), "missing", 4 /* QFMT_VFS_V1 */, "aquota.user");
	syscall(SYS_quotactl, QCMD_(Q_GETQUOTA_, 1), "/", 0, page);
	syscall(SYS_quotactl, QCMD_(Q_GETNEXTQUOTA_, 0), "missing", -1, page);
	syscall(SYS_quotactl, QCMD_(Q_SETQUOTA_, 0), "missing", 1000, dqblk);
	syscall(SYS_quotactl, QCMD_(Q_SETQUOTA_, 2), "missing", 1000, page + PAGE - 68);
	syscall(SYS_quotactl, QCMD_(Q_SETQUOTA_, 0), "missing", 1000, page + PAGE - 64);
	syscall(SYS_quotactl, QCMD_(Q_GETINFO_, 0), "missing", 0, page);
	syscall(SYS_quotactl, QCMD_(Q_SETINFO_, 1), "missing", 0, info);
	syscall(SYS_quotactl, QCMD_(Q_GETFMT_, 0), "missing", 0, page);
	syscall(SYS_quotactl, QCMD_(Q_XSETQLIM_, 0), "missing", 1000, disk);
	syscall(SYS_quotactl, QCMD_(Q_XGETQSTAT_, 0), "missing", 0, page);
	syscall(SYS_quotactl, QCMD_(Q_XQUOTAON_, 0), "missing", 0, flags);
	syscall(SYS_quotactl, QCMD_(Q_XQUOTARM_, 0), "missing", 0, flags);
	syscall(SYS_quotactl, QCMD_(Q_SETQUOTA_, 0), bad, 1000, bad);
	syscall(SYS_quotactl, QCMD_(Q_QUOTAON_, 0), "missing", 2, NULL);
	syscall(SYS_quotactl, QCMD_(0x800042, 7), "missing", 5, page);
	marker("--end--");
}

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/*
 * COUNT openat+close pairs of /dev/null: the storm of the benchmark. Reports
 * the loop's own time on stderr, "storm COUNT NANOSECONDS", so that a tracer's
 * start-up and exit do not count.
 */
static void storm(long count)
{
	long long start = now_ns(), elapsed;

	for (long i = 0; i < count; i++)
		close_fd(sys_openat(AT_FDCWD, "/dev/null", O_RDONLY, 0));
	elapsed = now_ns() - start;
	fprintf(stderr, "storm %ld %lld\n", count, elapsed);
}

/* gated-storm COUNT: the storm once a line arrives on stdin, so that a
 * tracer attached with -p sees exactly COUNT openat calls. */
static void gated_storm(long count)
{
	char line[16];

	if (!fgets(line, sizeof(line), stdin))
		exit(3);
	storm(count);
}

/* Says on stderr what a descriptor's inode is, for a test to check pipe:[N]. */
static void tell_inode(const char *what, int fd)
{
	struct stat st;

	if (!fstat(fd, &st))
		fprintf(stderr, "%s %llu\n", what, (unsigned long long)st.st_ino);
}

/* A descriptor no file is a directory of: the call fails, its dirfd shows. */
static void not_a_dir(long fd)
{
	sys_openat(fd, "x", O_RDONLY, 0);
}

/*
 * Descriptors of every kind, for -y against strace -y: the working
 * directory changing between calls, directory descriptors, O_TMPFILE and
 * unlinked files, pipes, sockets, memfd, eventfd, fanotify, the root, a
 * bad descriptor and, last, a bind mount in a private mount namespace.
 * Run as root in an empty directory.
 */
static void paths(void)
{
	int p[2];
	long fd, dir, fan, sock, mem, ev;
	struct how how = { O_RDONLY | O_DIRECTORY, 0, 0 };

	mkdir("a", 0755);
	mkdir("b", 0755);
	mkdir("src", 0755);
	mkdir("dst", 0755);
	close_fd(open("a/f", O_WRONLY | O_CREAT, 0600));
	mkdir("b/in", 0755);
	close_fd(sys_openat(AT_FDCWD, "b/in/f", O_WRONLY | O_CREAT, 0600));
	if (pipe(p))
		exit(5);
	sock = socket(AF_UNIX, SOCK_STREAM, 0);
	mem = syscall(SYS_memfd_create, "mem", 0);
	ev = eventfd(0, 0);
	tell_inode("pipe", p[0]);
	tell_inode("socket", sock);

	marker("--begin--");
	chdir("a");
	close_fd(sys_openat(AT_FDCWD, "f", O_RDONLY, 0));
	chdir("../b");
	close_fd(sys_openat(AT_FDCWD, "../a/f", O_RDONLY, 0));
	/* Beneath b, as only the descriptor it returns tells. */
	close_fd(sys_openat(AT_FDCWD, "/proc/self/cwd/in/f", O_RDONLY, 0));
	dir = sys_openat(AT_FDCWD, "..", O_RDONLY | O_DIRECTORY, 0);
	close_fd(sys_openat(dir, "a/f", O_RDONLY, 0));
	close_fd(syscall(SYS_openat2, dir, "a", &how, sizeof(how)));
	syscall(SYS_symlinkat, "f", dir, "a/link");
	fd = sys_openat(AT_FDCWD, ".", O_TMPFILE | O_RDWR, 0600);
	not_a_dir(fd);
	close_fd(fd);
	fd = sys_openat(AT_FDCWD, "gone", O_WRONLY | O_CREAT, 0600);
	unlink("gone");
	not_a_dir(fd);
	close_fd(fd);
	not_a_dir(p[0]);
	not_a_dir(p[1]);
	not_a_dir(sock);
	not_a_dir(mem);
	not_a_dir(ev);
	not_a_dir(9999);
	close_fd(sys_openat(AT_FDCWD, "/", O_RDONLY | O_DIRECTORY, 0));
	fan = syscall(SYS_fanotify_init, FAN_CLASS_NOTIF, O_RDONLY);
	sys_fanotify_mark(fan, FAN_MARK_ADD, FAN_OPEN, dir, "a");
	sys_fanotify_mark(fan, FAN_MARK_ADD, FAN_OPEN, AT_FDCWD, ".");
	not_a_dir(fan);
	close_fd(fan);
	if (unshare(CLONE_NEWNS) || mount("none", "/", NULL, MS_REC | MS_PRIVATE, NULL) ||
	    mount("../src", "../dst", NULL, MS_BIND, NULL))
		exit(6);
	close_fd(sys_openat(AT_FDCWD, "../dst/f", O_WRONLY | O_CREAT, 0600));
	close_fd(sys_openat(dir, "dst", O_RDONLY | O_DIRECTORY, 0));
	marker("--end--");
}

/* chroot into ./b with a descriptor of . kept from outside; run as root. */
static void jail(void)
{
	long outside;

	mkdir("b", 0755);
	outside = sys_openat(AT_FDCWD, ".", O_RDONLY | O_DIRECTORY, 0);
	if (chdir("b") || chroot("."))
		exit(7);
	marker("--begin--");
	close_fd(sys_openat(AT_FDCWD, "f", O_WRONLY | O_CREAT, 0600));
	close_fd(sys_openat(AT_FDCWD, "/", O_RDONLY | O_DIRECTORY, 0));
	not_a_dir(outside);
	marker("--end--");
}

/* deep DEPTH LENGTH: DEPTH nested directories named with LENGTH x's,
 * made and entered one by one (the path may pass PATH_MAX); then the
 * working directory is opened. */
static void deep(long depth, long length)
{
	char name[256];

	if (length < 1 || length > 255)
		exit(8);
	memset(name, 'x', length);
	name[length] = 0;
	for (long i = 0; i < depth; i++)
		if ((mkdir(name, 0755) && errno != EEXIST) || chdir(name))
			exit(9);
	marker("--begin--");
	close_fd(sys_openat(AT_FDCWD, ".", O_RDONLY | O_DIRECTORY, 0));
	marker("--end--");
}

/*
 * change-self name|uid|cgroup [DIR]: opens "ftchange-before", then renames
 * itself, becomes uid 65534, or moves into the cgroup v2 directory DIR,
 * then opens "ftchange-after": a filter judges each call as its caller is.
 */
static void change_self(const char *how, const char *dir)
{
	char procs[4096];
	FILE *f;

	sys_openat(AT_FDCWD, "ftchange-before", O_RDONLY, 0);
	if (!strcmp(how, "name")) {
		prctl(PR_SET_NAME, "ftchanged");
	} else if (!strcmp(how, "uid")) {
		if (setresuid(65534, 65534, 65534))
			exit(10);
	} else if (!strcmp(how, "cgroup") && dir) {
		snprintf(procs, sizeof(procs), "%s/cgroup.procs", dir);
		f = fopen(procs, "w");
		if (!f || fprintf(f, "0\n") < 0 || fclose(f))
			exit(11);
	} else {
		exit(2);
	}
	sys_openat(AT_FDCWD, "ftchange-after", O_RDONLY, 0);
}

/* page-end PATH: opens PATH from a copy that ends its page, the next page
 * unmapped, so that no more than the string itself can be read. */
static void page_end(const char *path)
{
	long page = sysconf(_SC_PAGESIZE);
	size_t len = strlen(path) + 1;
	char *map = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (map == MAP_FAILED || len > (size_t)page || munmap(map + page, page))
		exit(12);
	memcpy(map + page - len, path, len);
	close_fd(sys_openat(AT_FDCWD, map + page - len, O_RDONLY, 0));
}

/* enter NAME...: makes and enters each directory in turn, then opens the
 * working directory as "." and as /proc/self/cwd (a path that names it
 * only once resolved): a path of names of the lengths given. */
static void enter(int count, char **names)
{
	for (int i = 0; i < count; i++)
		if ((mkdir(names[i], 0755) && errno != EEXIST) || chdir(names[i]))
			exit(9);
	marker("--begin--");
	close_fd(sys_openat(AT_FDCWD, ".", O_RDONLY | O_DIRECTORY, 0));
	close_fd(sys_openat(AT_FDCWD, "/proc/self/cwd", O_RDONLY | O_DIRECTORY, 0));
	marker("--end--");
}

int main(int argc, char **argv)
{
	const char *scenario = argc > 1 ? argv[1] : "";

	if (!strcmp(scenario, "basic"))
		basic();
	else if (!strcmp(scenario, "decode"))
		decode();
	else if (!strcmp(scenario, "file-calls"))
		file_calls();
	else if (!strcmp(scenario, "open-how-tails"))
		open_how_tails();
	else if (!strcmp(scenario, "exit-in-call"))
		exit_in_call(argc > 2 ? argv[2] : "fifo");
	else if (!strcmp(scenario, "hold"))
		hold();
	else if (!strcmp(scenario, "reuse"))
		reuse();
	else if (!strcmp(scenario, "sleep"))
		one_then_sleep();
	else if (!strcmp(scenario, "race"))
		race(argc > 2 ? atol(argv[2]) : 20000);
	else if (!strcmp(scenario, "threads"))
		threads(argc > 2 ? atol(argv[2]) : 8);
	else if (!strcmp(scenario, "evil-comm"))
		evil_comm();
	else if (!strcmp(scenario, "spin"))
		spin();
	else if (!strcmp(scenario, "wait"))
		wait_then_basic();
	else if (!strcmp(scenario, "thread-target"))
		thread_target();
	else if (!strcmp(scenario, "leader-exits"))
		leader_exits();
	else if (!strcmp(scenario, "renamed-child"))
		renamed_child();
	else if (!strcmp(scenario, "fifo"))
		fifo();
	else if (!strcmp(scenario, "live"))
		live();
	else if (!strcmp(scenario, "gated-storm"))
		gated_storm(argc > 2 ? atol(argv[2]) : 1000000);
	else if (!strcmp(scenario, "paths"))
		paths();
	else if (!strcmp(scenario, "jail"))
		jail();
	else if (!strcmp(scenario, "deep"))
		deep(argc > 2 ? atol(argv[2]) : 1, argc > 3 ? atol(argv[3]) : 1);
	else if (!strcmp(scenario, "change-self"))
		change_self(argc > 2 ? argv[2] : "", argc > 3 ? argv[3] : NULL);
	else if (!strcmp(scenario, "page-end"))
		page_end(argc > 2 ? argv[2] : "/");
	else if (!strcmp(scenario, "enter"))
		enter(argc - 2, argv + 2);
	else if (!strcmp(scenario, "storm"))
		storm(argc > 2 ? atol(argv[2]) : 1000000);
	else if (!strcmp(scenario, "structs"))
		structs(argv[0]);
	else if (!strcmp(scenario, "handles"))
		handles();
	else if (!strcmp(scenario, "fs-context"))
		fs_context();
	else if (!strcmp(scenario, "quotas"))
		quotas();
	else if (!strcmp(scenario, "end"))
		marker("--end--");
	else {
		fprintf(stderr, "usage: files basic|decode|file-calls|open-how-tails|exit-in-call|hold|reuse|sleep|race|threads|evil-comm|spin|wait|thread-target|leader-exits|renamed-child|fifo|live|paths|jail|deep|enter|page-end|change-self|storm|gated-storm|structs|handles|fs-context|quotas [COUNT]\n");
		return 2;
	}
	return 0;
}
