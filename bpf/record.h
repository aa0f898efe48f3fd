/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * What the kernel side and user space share: the per-syscall plan that user
 * space writes before load, and the record the kernel emits per call.
 * User space reads both through the generated skeleton types, so this file
 * is the only definition of the layout.
 */
#ifndef FTRACE_RECORD_H
#define FTRACE_RECORD_H

/* Enums rather than macros, so that the skeleton carries them to Rust. */
enum limits {
	TASK_COMM_LEN = 16,
	MAX_ARGS = 6,
	MAX_CAPTURES = 2,
	/* Syscall numbers below this are looked up in the plans; x86_64 and ia32 both fit. */
	NR_SLOTS = 512,
	/* Longest user string copied, NUL included. One more than PATH_MAX, so that
	 * a string the kernel would reject as too long is seen to be cut. */
	CAPTURE_MAX = 4097,
	/* No argument: an unused capture_arg or split_arg. */
	NO_ARG = 0xff,
	/* Bits of target_bits: a target tgid sets bit tgid % TARGET_BITS. */
	TARGET_BITS = 4096,
};

/* How the tracer handles one syscall number; all zero: not traced. */
struct call_plan {
	__u8 call;                      /* user space's id for the call, echoed in records */
	__u8 capture_arg[MAX_CAPTURES]; /* argument holding a pointer to copy at exit, or NO_ARG */
	__u8 capture_size[MAX_CAPTURES];/* 0: a NUL-terminated string, else a struct of that many bytes */
	__u8 split_arg;                 /* ia32: a 64-bit argument passed as two 32-bit halves, or NO_ARG */
	__u8 returns_fd;                /* success returns a new descriptor */
};

/* What became of one capture. */
enum capture_status {
	CAPTURE_NONE = 0,  /* the call has no such capture */
	CAPTURE_NULL = 1,  /* the pointer was NULL: nothing read */
	CAPTURE_FAULT = 2, /* reading user memory failed */
	CAPTURE_OK = 3,    /* read whole; for strings, without the NUL */
	CAPTURE_CUT = 4,   /* string with no NUL within CAPTURE_MAX - 1 bytes */
};

enum record_flags {
	RECORD_COMPAT = 1,    /* made by a 32-bit (ia32) syscall */
	RECORD_CHANGED_0 = 2, /* capture 0 read at exit differs from the string at entry */
	RECORD_CHANGED_1 = 4, /* the same for capture 1 */
};

/* One traced call. The captured bytes follow the header, in capture order. */
struct record {
	__u64 enter_ns; /* CLOCK_MONOTONIC at entry */
	__u64 exit_ns;  /* CLOCK_MONOTONIC at exit */
	__s64 ret;
	__u64 args[MAX_ARGS]; /* as the call received them; ia32 ones zero-extended, split ones merged */
	/* With -y, the file a returned descriptor refers to, as the call left
	 * it: user space names it only if /proc still shows that file. */
	__u64 fd_ino;
	__u64 fd_dev; /* the kernel's dev_t of fd_ino; 0: not identified */
	__u32 pid;            /* thread group id */
	__u32 tid;
	__u32 ppid;
	__u32 uid;
	__u16 capture_len[MAX_CAPTURES]; /* bytes following the header, per capture */
	__u8 capture_status[MAX_CAPTURES];
	__u8 call;
	__u8 flags;
	char comm[TASK_COMM_LEN];
};

#endif
