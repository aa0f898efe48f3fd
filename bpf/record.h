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
	/* Captures one call's plan may hold: one per argument, the result, the
	 * working directory, and those a command selects (quotactl's). */
	MAX_CAPTURES = 16,
	/* The capture_plan.arg and capture.arg that mean the call's result. */
	ARG_RESULT = 6,
	/* Syscall numbers below this are looked up in the plans; x86_64 and ia32 both fit. */
	NR_SLOTS = 512,
	/* Longest user string copied, NUL included. One more than PATH_MAX, so that
	 * a string the kernel would reject as too long is seen to be cut. */
	CAPTURE_MAX = 4097,
	/* Most bytes of user memory a byte capture copies (a page, as strace). */
	BYTES_MAX = 4096,
	/* Captures start at multiples of this within a record. */
	CAPTURE_ALIGN = 8,
	/* No argument: an unused split_arg or capture_plan.len_arg. */
	NO_ARG = 0xff,
	/* Most --cgroup options. */
	MAX_CGROUPS = 16,
	/* Most pointers of an array capture that are read (and counted). */
	ARRAY_COUNT_MAX = 65536,
	/* Room for the captures a call makes at entry (see CAPTURE_AT_ENTRY):
	 * with the storage's own header, within a 16 KiB kernel allocation. */
	ENTRY_BYTES = 16128,
	/* Bits of target_bits: a target tgid sets bit tgid % TARGET_BITS. */
	TARGET_BITS = 4096,
	/* Bits of comm_bits: a -c name sets bit comm_bit(its first 8 bytes). */
	COMM_BITS = 4096,
	/* Longest descriptor path, as /proc's readlink: PATH_MAX less the NUL. */
	FD_PATH_MAX = 4095,
	/* Steps of a descriptor path's walk: one per component or mount crossed. */
	FD_PATH_STEPS = 1024,
	/* Process names -c can give: the size of the `comms` map. */
	MAX_COMMS = 64,
	/* The capture_plan.arg and capture.arg that mean the working directory
	 * (-P: what a relative path of a call without a dirfd is relative to). */
	ARG_CWD = 7,
	/* Entries of trace_paths (-P). */
	MAX_TRACE_PATHS = 32,
	/* The capture.arg of the path of the task's executable (--json): sent
	 * after the others, only when it is not the one the thread last sent. */
	ARG_EXE = 8,
	/* A capture_plan.len_arg: the length is the __u32 at offset len_at of
	 * the struct args[arg] points to, plus `head` (the struct's fixed part
	 * that the count leaves out). */
	LEN_FIELD = 0xfe,
};

/* The value of a tgid in the targets map. */
enum target_kind {
	TARGET_PROCESS = 1, /* every thread */
	TARGET_THREADS = 2, /* only the threads in thread_targets */
};

/* What to copy for one argument at syscall exit. */
enum capture_kind {
	CAPTURE_NONE = 0,
	/* The NUL-terminated string args[arg] points to, at most CAPTURE_MAX - 1 bytes. */
	CAPTURE_STRING = 1,
	/* The bytes args[arg] points to: `size` of them, or with len_arg set,
	 * args[len_arg] (or the result, ARG_RESULT) of them but at most `size`.
	 * When they cannot all be read, the first `head` bytes alone are (a
	 * struct with a tail that may lie on an unmapped page). */
	CAPTURE_BYTES = 2,
	/* A NULL-terminated array of string pointers (argv): a struct
	 * capture_array, then one struct capture and its bytes per string, for
	 * the first `items` strings, each read as CAPTURE_STRING of `size`;
	 * a string that could not be read (CAPTURE_FAULT) carries its 8-byte
	 * pointer instead. */
	CAPTURE_STRING_ARRAY = 3,
	/* The bytes a pointer inside a struct points to: the __u64 (as uapi
	 * structs carry pointers) at offset ptr_at of the struct args[arg]
	 * points to; sized as CAPTURE_BYTES. */
	CAPTURE_POINTEE = 4,
	/* The file behind descriptor args[arg] (or the result), as readlink of
	 * /proc/PID/fd/N gives it at exit: OK, CUT when longer or deeper than
	 * the walk goes (then the end of the path, nearest the file), NULL when
	 * no file is open there, FAULT when the kernel names it in a way not
	 * known here. */
	CAPTURE_FD_PATH = 8,
	/* The same for a directory descriptor: AT_FDCWD (and arg ARG_CWD) is
	 * the working directory. */
	CAPTURE_DIRFD_PATH = 9,
};

/* With -P, what a capture is matched as against trace_paths. */
enum capture_match {
	MATCH_NONE = 0,
	/* A path argument: as it is when absolute, else appended to the
	 * plan's CAPTURE_DIRFD_PATH capture (its dirfd, or the cwd). */
	MATCH_PATH = 1,
	/* A descriptor's path; a dirfd that is AT_FDCWD is not matched. */
	MATCH_FD = 2,
};

/* One -P path, as the kernel compares it: the FNV-1a hash of its `len`
 * bytes. A `prefix` one ends with '/' and selects every path it starts.
 * A match is only likely: user space checks the bytes. Its last component
 * (without a prefix's '/') is text[last_start..last_start + last_len). */
struct trace_path {
	__u64 hash;
	__u16 len;
	__u16 last_start;
	__u16 last_len;
	__u8 prefix;
	__u8 reserved;
};

/* When a capture is taken (capture_plan.when). */
enum capture_when {
	/* Only if the call succeeded: an output buffer. */
	CAPTURE_IF_OK = 1,
	/* At entry, and used if the call succeeded: exec replaces the memory.
	 * A failed call is read again at exit, as the kernel left it. */
	CAPTURE_AT_ENTRY = 2,
	/* At entry, and used whatever the result: the value before the call
	 * overwrote it (name_to_handle_at's handle_bytes). The record flags
	 * it CAPTURE_BEFORE_CALL; a plan may read the same memory at exit too. */
	CAPTURE_BEFORE = 4,
};

/* One capture of a plan. */
struct capture_plan {
	__u8 kind; /* enum capture_kind */
	__u8 arg;  /* the argument, or ARG_RESULT */
	__u8 len_arg;
	__u8 match_as; /* enum capture_match, with -P */
	__u16 size; /* most bytes, NUL included; 0: CAPTURE_MAX */
	__u16 head; /* CAPTURE_BYTES: what to read when the whole cannot be; 0: nothing */
	__u16 items; /* CAPTURE_STRING_ARRAY: most strings copied */
	__u8 when;   /* enum capture_when bits */
	__u8 reserved;
	__u8 ptr_at; /* CAPTURE_POINTEE: where the pointer is in the struct */
	__u8 len_at; /* with len_arg LEN_FIELD: where the length is in the struct */
	/* Taken only for some values of another argument (a command): with
	 * if_values not 0, when v = ((__u32)args[if_arg] >> if_shift) - if_base
	 * is below 64 and bit v of if_values is set, or, with if_not, is not. */
	__u8 if_arg;
	__u8 if_shift;
	__u8 if_not;
	__u8 len_int; /* args[len_arg] is an int: only its low 32 bits count */
	__u32 if_base;
	__u64 if_values;
};

/* How the tracer handles one syscall number; call 0: not traced. */
struct call_plan {
	__u16 call;      /* user space's id for the call, echoed in records */
	__u8 split_arg;  /* ia32: a 64-bit argument passed as two 32-bit halves, or NO_ARG */
	__u8 at_entry;   /* the CAPTURE_AT_ENTRY and CAPTURE_BEFORE bits of its captures */
	__u8 reserved;
	struct capture_plan captures[MAX_CAPTURES]; /* the first with kind CAPTURE_NONE ends them */
};

/* What became of one capture. */
enum capture_status {
	CAPTURE_NULL = 1,    /* the pointer was NULL: nothing read */
	CAPTURE_FAULT = 2,   /* reading user memory failed */
	CAPTURE_OK = 3,      /* read whole; for strings, without the NUL */
	CAPTURE_CUT = 4,     /* string with no NUL within CAPTURE_MAX - 1 bytes;
			      * bytes: only the plan's `head` could be read */
	CAPTURE_NO_ROOM = 5, /* the record had no room left for it */
};

/* How the pointers of an array capture ended. */
enum array_end {
	ARRAY_NULL = 1,  /* at the NULL pointer: `count` is the array's length */
	ARRAY_FAULT = 2, /* reading pointer `count` failed */
	ARRAY_LIMIT = 3, /* ARRAY_COUNT_MAX pointers read, none NULL */
};

/* The start of an array capture's bytes. */
struct capture_array {
	__u32 count; /* pointers before the end */
	__u8 end;    /* enum array_end */
	__u8 reserved[3];
	/* `strings` struct capture follow, each with its bytes and starting
	 * at a multiple of CAPTURE_ALIGN from the start of the array's bytes;
	 * fewer than asked for when the record had no room for more. */
	__u32 strings;
	__u32 reserved2;
};

enum capture_flags {
	CAPTURE_CHANGED = 1, /* a string read at exit that differs from the one at entry */
	/* A descriptor's file that is deleted: /proc's " (deleted)" suffix
	 * is left out of the path, as strace prints it apart. */
	CAPTURE_FD_DELETED = 2,
	/* Read at entry, before the call (CAPTURE_BEFORE): not what the
	 * call left there, which another capture of the argument may hold. */
	CAPTURE_BEFORE_CALL = 4,
	/* What a pointer inside args[arg]'s struct points to (CAPTURE_POINTEE),
	 * not the struct itself. */
	CAPTURE_POINTED_TO = 8,
};

enum record_flags {
	RECORD_COMPAT = 1, /* made by a 32-bit (ia32) syscall */
	/* The task was dying at the call's exit (a fatal signal, or another
	 * thread's exit or exec): the call never returns to user space. */
	RECORD_DYING = 2,
	/* The call was already in progress when tracing began: printed as
	 * strace's `<... NAME resumed>) = RESULT`. */
	RECORD_RESUMED = 4,
};

/* One traced call. `captures` struct capture follow the header, each
 * followed by its `len` bytes and starting at a multiple of CAPTURE_ALIGN. */
struct record {
	/* CLOCK_MONOTONIC at entry and exit; 0 unless the output shows times. */
	__u64 enter_ns;
	__u64 exit_ns;
	__s64 ret;
	__u64 args[MAX_ARGS]; /* as the call received them; ia32 ones zero-extended, split ones merged */
	__u64 cgroup_id;      /* the caller's cgroup v2 id (the inode of its directory) */
	/* As ftrace-cli's pid namespace numbers them; from the host, the
	 * kernel's ids. A parent outside that namespace is 0. */
	__u32 pid; /* thread group id */
	__u32 tid;
	__u32 ppid;
	__u32 host_pid; /* the kernel's (init namespace) ids */
	__u32 host_tid;
	__u32 host_ppid;
	__u32 uid;
	/* --json: the inode numbers of the task's pid and mount namespaces
	 * (as /proc/PID/ns/{pid,mnt} show them); 0 otherwise. */
	__u32 pid_ns;
	__u32 mnt_ns;
	__u16 call;
	__u8 flags;
	__u8 captures;
	char comm[TASK_COMM_LEN];
};

/* The traced call a thread is inside, kept in its task storage from entry
 * to exit. User space writes one for a call a thread was already blocked
 * in when tracing began (resumed set), so that its exit is recorded. */
struct in_flight {
	__u64 args[MAX_ARGS];
	__u64 enter_ns;
	/* Hash of each string as it was at entry; 0 when it could not be read
	 * then (a page not faulted in yet). */
	__u64 fingerprint[MAX_CAPTURES];
	/* The syscall number and ABI: its plan is native_plans[nr] or
	 * compat_plans[nr], read in place, never copied. */
	__u32 nr;
	__u8 compat;
	__u8 active;  /* between a traced entry and its exit */
	__u8 resumed; /* entered before tracing began: the record is flagged RECORD_RESUMED */
	/* --json: the executable this thread's records last carried, as its
	 * struct file and the thread's exec count then plus one; 0 before the
	 * first, so that a thread's first record always carries it. */
	__u64 exe_file;
	__u64 exe_exec_id;
	/* --json: the inode of the thread's pid namespace, which stays the
	 * same for its life; 0 until its first record. */
	__u32 pid_ns;
};

/* One argument's copy, as a record carries it. */
struct capture {
	__u8 arg;    /* the argument, or ARG_RESULT */
	__u8 status; /* enum capture_status */
	__u8 flags;  /* enum capture_flags */
	__u8 reserved;
	__u32 len; /* bytes following */
};

/* What pidns.bpf.c's resolve answers about one pid, looked up as the
 * caller's pid namespace numbers it. */
enum pid_flags {
	PID_FOUND = 1,   /* the namespace has a task with that pid */
	PID_KTHREAD = 2, /* a kernel thread */
};

struct pid_query {
	__s32 vpid;  /* in: the pid as the caller's namespace sees it */
	__u32 flags; /* out: enum pid_flags */
	__u32 tid;   /* out: the kernel's (init namespace) thread id */
	__u32 tgid;  /* out: the kernel's thread group id */
	__u32 level; /* out: the depth of the task's own pid namespace, 0 for the host's */
	__u32 inum;  /* out: the inode number of that namespace */
};

#endif
