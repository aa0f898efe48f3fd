// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Kernel side of ftrace-cli: one record per traced file syscall.
 *
 * Hooks the raw sys_enter/sys_exit tracepoints (BTF-typed, so registers and
 * the task are read with plain loads), which need no tracefs and, unlike the
 * per-syscall tracepoints, also fire for ia32 processes. At entry the
 * arguments are kept in the thread's local storage; at exit, once the kernel
 * has faulted the user pages in, the strings are read and the record sent.
 */
#include "kernel_types.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include "record.h"

/* arch/x86/include/asm/thread_info.h: a 32-bit syscall is in progress. */
#define TS_COMPAT 0x0002
/* include/linux/sched/signal.h: the thread group is exiting. */
#define SIGNAL_GROUP_EXIT 0x0004
#define SIGKILL 9

/* Set by user space before load. */
const volatile struct call_plan native_plans[NR_SLOTS];
const volatile struct call_plan compat_plans[NR_SLOTS];
const volatile __u32 self_tgid = 0; /* the kernel's id of ftrace-cli itself */
/* ftrace-cli's pid namespace: its depth (0: the host's) and inode. Records
 * carry pids as that namespace numbers them, and from inside a namespace
 * only processes it can see are traced. */
const volatile __u32 ns_level = 0;
const volatile __u32 ns_inum = 0;
const volatile bool filter_targets = false; /* only the tgids in `targets` ... */
const volatile bool filter_comms = false;   /* ... or the comms in `comms` */
const volatile bool follow_forks = false;
const volatile bool filter_threads = false; /* some targets are single threads */
const volatile bool only_success = false; /* -z */
const volatile bool only_failure = false; /* -Z */
/* Wake user space only once this much is pending; it polls on a timer too. */
const volatile __u64 wakeup_bytes = 0;

/* A superset of the target tgids, one bit per tgid % TARGET_BITS, set by
 * user space and the fork hook and never cleared: a clear bit proves a
 * process is no target without a map lookup, on every untraced openat. */
__u64 target_bits[TARGET_BITS / 64] = {};

/* Read by user space: what could not be delivered. */
__u64 lost_records = 0;   /* the ring buffer was full */
__u64 lost_in_flight = 0; /* no memory for a thread's in-flight call */
__u64 capture_faults = 0; /* user memory that could not be read */

/* Dummy instances so that the skeleton carries these types to Rust. */
struct record _record = {};
enum limits _limits = 0;
enum capture_status _capture_status = 0;
enum capture_kind _capture_kind = 0;
enum capture_flags _capture_flags = 0;
enum capture_when _capture_when = 0;
enum array_end _array_end = 0;
struct capture_array _capture_array = {};
enum record_flags _record_flags = 0;
enum target_kind _target_kind = 0;
struct capture _capture = {};

/* The traced call a thread is inside, kept from entry to exit. */
struct in_flight {
	__u64 args[MAX_ARGS];
	__u64 enter_ns;
	/* Hash of each string as it was at entry; 0 when it could not be read
	 * then (a page not faulted in yet). */
	__u64 fingerprint[MAX_CAPTURES];
	struct call_plan plan;
	__u8 compat;
	__u8 active; /* between a traced entry and its exit */
};

/* Per-thread storage: found without hashing, freed when the thread ends. */
struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct in_flight);
} in_flight SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 65536);
	__type(key, __u32); /* tgid */
	__type(value, __u8); /* enum target_kind */
} targets SEC(".maps");

/* The threads of TARGET_THREADS processes that are traced (-p TID). */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, __u32); /* tid */
	__type(value, __u8);
} thread_targets SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 64);
	__type(key, char[TASK_COMM_LEN]);
	__type(value, __u8);
} comms SEC(".maps");

/* Room for the header and the captures, a power of two so that offsets
 * can be bounded for the verifier. What does not fit is marked
 * CAPTURE_NO_ROOM (a long argv at a large -s). */
#define SCRATCH_SIZE 32768
/* A capture starting at or below this offset fits whatever its size. */
#define CAPTURE_LIMIT (SCRATCH_SIZE - sizeof(struct capture) - CAPTURE_MAX)
/* Captured bytes starting at or below this offset fit whatever their size. */
#define DATA_LIMIT (SCRATCH_SIZE - CAPTURE_MAX)
/* Kept free of captured bytes so that every capture's header fits: a
 * capture that has no room is still there, marked CAPTURE_NO_ROOM. */
#define HEADER_RESERVE (MAX_CAPTURES * (sizeof(struct capture) + CAPTURE_ALIGN))
_Static_assert(BYTES_MAX <= CAPTURE_MAX, "byte captures fit as strings do");

_Static_assert(ENTRY_BYTES + sizeof(struct record) <= SCRATCH_SIZE, "entry captures fit a record");
_Static_assert(HEADER_RESERVE < ENTRY_BYTES, "capture headers always fit");

struct scratch {
	__u8 bytes[SCRATCH_SIZE];
};

/* The captures an exec read at entry (CAPTURE_AT_ENTRY), until its exit;
 * only threads inside such a call have one. */
struct entry_captures {
	__u32 size;
	__u32 count;
	__u32 faults; /* counted only if the captures are used */
	__u32 reserved;
	__u8 bytes[ENTRY_BYTES];
};

struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct entry_captures);
} entry_captures SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct scratch);
} scratch SEC(".maps");

/* A string read at entry, only to fingerprint it. */
struct entry_string {
	__u8 bytes[CAPTURE_MAX + 7];
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct entry_string);
} entry_string SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 8 * 1024 * 1024); /* resized by user space */
} events SEC(".maps");

static __always_inline bool is_target(struct task_struct *task, __u32 tgid)
{
	__u32 bit = tgid % TARGET_BITS;
	__u8 *kind;
	__u32 tid;

	if (!(target_bits[bit / 64] & (1ULL << (bit % 64))))
		return false;
	kind = bpf_map_lookup_elem(&targets, &tgid);
	if (!kind)
		return false;
	if (!filter_threads || *kind == TARGET_PROCESS)
		return true;
	tid = task->pid;
	return bpf_map_lookup_elem(&thread_targets, &tid) != NULL;
}

static __always_inline void add_target(__u32 tgid)
{
	__u32 bit = tgid % TARGET_BITS;
	__u8 kind = TARGET_PROCESS;

	__sync_fetch_and_or(&target_bits[bit / 64], 1ULL << (bit % 64));
	bpf_map_update_elem(&targets, &tgid, &kind, BPF_ANY);
}

static __always_inline bool comm_matches(void)
{
	char comm[TASK_COMM_LEN] = {};

	bpf_get_current_comm(comm, sizeof(comm));
	return bpf_map_lookup_elem(&comms, comm) != NULL;
}

/* The number ftrace-cli's pid namespace gives `pid`, 0 if it has none. */
static __always_inline __u32 ns_number(struct pid *pid)
{
	struct upid upid = {};

	if (!pid || pid->level < ns_level)
		return 0;
	if (bpf_probe_read_kernel(&upid, sizeof(upid), &pid->numbers[ns_level]))
		return 0;
	if (BPF_CORE_READ(upid.ns, ns.inum) != ns_inum)
		return 0;
	return upid.nr;
}

/* The thread group id of `task` in ftrace-cli's namespace, 0 if outside it. */
static __always_inline __u32 ns_tgid(struct task_struct *task)
{
	return ns_number(task->group_leader->thread_pid);
}

static __always_inline bool trace_allowed(struct task_struct *task)
{
	__u32 tgid = task->tgid;

	if (tgid == self_tgid)
		return false;
	if (filter_targets && is_target(task, tgid))
		return true; /* only visible processes are ever made targets */
	if ((filter_targets || filter_comms) && !(filter_comms && comm_matches()))
		return false;
	/* System-wide or by name, inside a namespace: only what it can see. */
	if (ns_level && !ns_tgid(task))
		return false;
	return true;
}

static __always_inline bool maybe_traced(unsigned long nr)
{
	return nr < NR_SLOTS && (native_plans[nr].call || compat_plans[nr].call);
}

static __always_inline void read_args(struct pt_regs *regs, bool compat, __u64 *args)
{
	if (compat) {
		args[0] = (__u32)regs->bx;
		args[1] = (__u32)regs->cx;
		args[2] = (__u32)regs->dx;
		args[3] = (__u32)regs->si;
		args[4] = (__u32)regs->di;
		args[5] = (__u32)regs->bp;
	} else {
		args[0] = regs->di;
		args[1] = regs->si;
		args[2] = regs->dx;
		args[3] = regs->r10;
		args[4] = regs->r8;
		args[5] = regs->r9;
	}
}

/* ia32 passes a 64-bit argument as low and high halves in two registers. */
static __always_inline void merge_split_arg(__u64 *args, __u8 split)
{
	for (int i = 0; i < MAX_ARGS - 1; i++) {
		if (i == split)
			args[i] = args[i] | (args[i + 1] << 32);
		else if (i > split)
			args[i] = args[i + 1];
	}
	args[MAX_ARGS - 1] = 0;
}

struct hash_state {
	const __u8 *bytes; /* map memory: plain loads, no helper per word */
	__u32 len;
	__u64 hash;
};

static long hash_word(__u64 i, struct hash_state *state)
{
	__u32 off = i * 8;
	__u64 word;

	if (off >= state->len || off >= CAPTURE_MAX)
		return 1;
	word = *(const __u64 *)(state->bytes + (off & 4095));
	if (state->len - off < 8)
		word &= (1ULL << ((state->len - off) * 8)) - 1;
	state->hash = (state->hash ^ word) * 0x100000001b3ULL;
	return 0;
}

/* FNV-style hash of a string's length and bytes, by words; never 0.
 * bpf_loop keeps the verifier from unrolling the loop, and start-up fast. */
static __always_inline __u64 fingerprint(const __u8 *bytes, __u32 len)
{
	struct hash_state state = { bytes, len, 0xcbf29ce484222325ULL ^ len };

	bpf_loop((len + 7) / 8, hash_word, &state, 0);
	return state.hash | 1;
}

/* Fingerprints the strings the call will capture, as they are now. The
 * kernel copies them right after this; a different string at exit means
 * another thread changed it meanwhile, and the record says so. Only a task
 * whose memory has other users (threads, CLONE_VM children) can see that
 * happen, so the others skip the extra read. */
static __always_inline void fingerprint_strings(struct task_struct *task, struct in_flight *call)
{
	struct entry_string *scratch;
	struct mm_struct *mm = task->mm;
	__u32 zero = 0;
	long n;

	for (int i = 0; i < MAX_CAPTURES; i++)
		call->fingerprint[i] = 0;
	if (!mm || mm->mm_users.counter < 2)
		return;
	scratch = bpf_map_lookup_elem(&entry_string, &zero);
	if (!scratch)
		return;
	for (int i = 0; i < MAX_CAPTURES; i++) {
		const struct capture_plan *plan = &call->plan.captures[i];
		__u8 arg = plan->arg;

		if (plan->kind == CAPTURE_NONE)
			break;
		if (plan->kind != CAPTURE_STRING || arg >= MAX_ARGS || !call->args[arg])
			continue;
		n = bpf_probe_read_user_str(scratch->bytes, CAPTURE_MAX, (void *)call->args[arg]);
		if (n > 0)
			call->fingerprint[i] = fingerprint(scratch->bytes, n - 1);
	}
}

/* What capture_one works on, shared across bpf_loop iterations. */
struct capture_state {
	__u8 *buf; /* the record being built (map memory) */
	const struct in_flight *call;
	long ret;
	__u32 size;  /* bytes of the record so far */
	__u32 room;  /* bytes the captures may fill: less at entry (ENTRY_BYTES) */
	__u32 faults; /* user memory that could not be read */
	__u8 count;  /* captures written */
	__u8 at_entry;   /* taking the CAPTURE_AT_ENTRY captures, at entry */
	__u8 failed;     /* at exit: the call failed */
	__u8 entry_used; /* at exit: the entry captures are in the record */
};

/* One capture for append_capture: what it needs of the call, copied. */
struct capture_job {
	__u64 args[MAX_ARGS];
	__s64 ret;
	__u64 fingerprint; /* of the string at entry; 0: none */
	struct capture_plan plan;
	__u32 size;   /* bytes of the record so far, then with the capture */
	__u32 room;
	__u32 faults; /* user memory that could not be read */
	__u8 compat;
	__u8 lost;    /* taken at entry by a call that succeeded, and lost */
	__u8 reserved[2];
};

/* Most bytes a string capture reads, NUL included. */
static __always_inline __u32 string_limit(const struct capture_plan *plan)
{
	__u32 limit = plan->size;

	if (!limit || limit > CAPTURE_MAX)
		limit = CAPTURE_MAX;
	return limit;
}

/* Reads the string at ptr into data, of at most limit bytes NUL included;
 * returns the bytes stored, without the NUL. The caller counts a fault. */
static __always_inline __u32 read_string(struct capture *hdr, __u8 *data, const void *ptr,
					 __u32 limit)
{
	long n;

	if (limit > CAPTURE_MAX)
		limit = CAPTURE_MAX;
	n = bpf_probe_read_user_str(data, limit, ptr);
	/* A path with no NUL before a fault: as strace, one whose first
	 * PATH_MAX bytes are readable is shown cut, only a shorter one as
	 * unreadable. (A constant size: the verifier takes no other here.) */
	if (n < 0 && limit == CAPTURE_MAX &&
	    !bpf_probe_read_user(data, CAPTURE_MAX - 1, ptr)) {
		hdr->status = CAPTURE_CUT;
		return CAPTURE_MAX - 1;
	}
	if (n <= 0) {
		hdr->status = CAPTURE_FAULT;
		return 0;
	}
	/* n counts the NUL; a full buffer means the string went on. */
	hdr->status = n == limit ? CAPTURE_CUT : CAPTURE_OK;
	return n - 1;
}

/* What array_one works on: the strings of a CAPTURE_STRING_ARRAY. */
struct array_state {
	__u8 *buf;
	__u64 base;  /* the user array */
	__u32 size;  /* bytes of the record so far */
	__u32 room;
	__u32 count; /* pointers read */
	__u32 strings;
	__u32 faults;
	__u32 items; /* strings to copy */
	__u32 limit; /* bytes per string, NUL included */
	__u8 end;    /* enum array_end */
	__u8 compat;
	__u8 full;   /* no room for another string */
};

/* bpf_loop callback: reads pointer i of the array and copies its string. */
static long array_one(__u64 i, struct array_state *st)
{
	__u32 word = st->compat ? 4 : 8;
	struct capture *hdr;
	__u64 ptr = 0;
	__u64 off;
	__u32 len;

	if (bpf_probe_read_user(&ptr, word, (const void *)(st->base + i * word))) {
		st->end = ARRAY_FAULT;
		st->faults++;
		return 1;
	}
	if (!ptr) {
		st->end = ARRAY_NULL;
		return 1;
	}
	st->count++;
	if (i >= st->items || st->full)
		return 0;
	off = ((__u64)st->size + CAPTURE_ALIGN - 1) & ~(__u64)(CAPTURE_ALIGN - 1);
	if (off > CAPTURE_LIMIT || off + sizeof(*hdr) + st->limit + sizeof(ptr) > st->room) {
		st->full = 1;
		return 0;
	}
	barrier_var(off);
	hdr = (struct capture *)(st->buf + off);
	hdr->arg = 0;
	hdr->flags = 0;
	hdr->reserved = 0;
	len = read_string(hdr, st->buf + off + sizeof(*hdr), (const void *)ptr, st->limit);
	if (len > CAPTURE_MAX)
		len = 0;
	if (hdr->status == CAPTURE_FAULT) {
		st->faults++;
		/* User space prints the pointer of a string it cannot show. */
		*(__u64 *)(st->buf + off + sizeof(*hdr)) = ptr;
		len = sizeof(ptr);
	}
	hdr->len = len;
	st->size = off + sizeof(*hdr) + len;
	st->strings++;
	return 0;
}

/* An array capture's bytes: its struct capture_array, then the strings;
 * returns the bytes stored. */
static __always_inline __u32 read_array(struct capture_job *job, __u8 *buf,
					struct capture *hdr, __u64 data_off, const void *ptr)
{
	struct capture_array *head;
	struct array_state st = {};

	if (data_off > DATA_LIMIT || data_off + sizeof(*head) > job->room) {
		hdr->status = CAPTURE_NO_ROOM;
		return 0;
	}
	barrier_var(data_off);
	head = (struct capture_array *)(buf + data_off);
	st.buf = buf;
	st.base = (__u64)ptr;
	st.size = data_off + sizeof(*head);
	st.room = job->room;
	st.items = job->plan.items;
	st.limit = string_limit(&job->plan);
	st.end = ARRAY_LIMIT;
	st.compat = job->compat;
	bpf_loop(ARRAY_COUNT_MAX, array_one, &st, 0);
	job->faults += st.faults;
	head->count = st.count;
	head->end = st.end;
	head->reserved[0] = head->reserved[1] = head->reserved[2] = 0;
	head->strings = st.strings;
	head->reserved2 = 0;
	hdr->status = CAPTURE_OK;
	return st.size - data_off;
}

/* Reads one user pointer argument into the record; returns the bytes stored. */
static __always_inline __u32 read_user(struct capture_job *job, __u8 *buf, struct capture *hdr,
				       __u64 data_off)
{
	const struct capture_plan *plan = &job->plan;
	const void *ptr;
	__u64 len;

	if (plan->arg >= MAX_ARGS)
		return 0;
	ptr = (const void *)job->args[plan->arg];
	if (!ptr) {
		hdr->status = CAPTURE_NULL;
		return 0;
	}
	if (plan->kind == CAPTURE_STRING_ARRAY)
		return read_array(job, buf, hdr, data_off, ptr);
	if (plan->kind == CAPTURE_BYTES) {
		len = plan->size;
		if (plan->len_arg < MAX_ARGS && job->args[plan->len_arg] < len)
			len = job->args[plan->len_arg];
		if (plan->len_arg == ARG_RESULT)
			len = job->ret < 0 ? 0 : (__u64)job->ret < len ? (__u64)job->ret : len;
		if (len > BYTES_MAX)
			len = BYTES_MAX;
		if (data_off > DATA_LIMIT || data_off + len > job->room) {
			hdr->status = CAPTURE_NO_ROOM;
			return 0;
		}
		barrier_var(data_off);
		if (!len || !bpf_probe_read_user(buf + data_off, len, ptr)) {
			hdr->status = CAPTURE_OK;
			return len;
		}
		job->faults++;
		len = plan->head;
		if (len > BYTES_MAX)
			len = BYTES_MAX;
		barrier_var(len);
		if (len && !bpf_probe_read_user(buf + data_off, len, ptr)) {
			hdr->status = CAPTURE_CUT;
			return len;
		}
		hdr->status = CAPTURE_FAULT;
		return 0;
	}
	len = string_limit(plan);
	if (data_off > DATA_LIMIT || data_off + len > job->room) {
		hdr->status = CAPTURE_NO_ROOM;
		return 0;
	}
	barrier_var(data_off);
	len = read_string(hdr, buf + data_off, ptr, len);
	if (hdr->status == CAPTURE_FAULT)
		job->faults++;
	return len;
}

/*
 * Descriptor paths (-y): the text readlink(/proc/PID/fd/N) would give at
 * exit, as the kernel's d_path builds it. The walk goes from the file's
 * dentry up to the task's root, crossing mounts through struct mount, and
 * writes the components backwards into path_buf; bpf_loop bounds it.
 */

#define AT_FDCWD -100
#define NAME_MAX 255
/* path_buf: the text ends at FD_PATH_END; the slack past it keeps every
 * masked write of a name in bounds for the verifier. */
#define FD_PATH_END 4096
_Static_assert(FD_PATH_END == FD_PATH_MAX + 1, "the end is a power of two");
_Static_assert(FD_PATH_MAX < CAPTURE_MAX, "a path fits a capture");

/* Superblock magics of the pseudo filesystems whose files /proc names
 * specially (include/uapi/linux/magic.h). */
#define PIPEFS_MAGIC 0x50495045
#define SOCKFS_MAGIC 0x534F434B
#define ANON_INODE_FS_MAGIC 0x09041934
#define PID_FS_MAGIC 0x50494446
#define NSFS_MAGIC 0x6e736673
#define DMA_BUF_MAGIC 0x444d4142

struct path_buf {
	__u8 bytes[FD_PATH_END + NAME_MAX + 1];
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct path_buf);
} path_buf SEC(".maps");

/* A walk in progress: the text so far is buf[pos..FD_PATH_END). */
struct walk {
	struct dentry *dentry;
	struct mount *mnt;
	struct dentry *root_dentry;
	struct vfsmount *root_mnt;
	__u8 *buf;
	__u32 pos;
	__u32 floor; /* pos before the first component: after " (deleted)" */
	__u8 status; /* 0 while walking, then CAPTURE_OK or CAPTURE_CUT */
	__u8 flags;  /* enum capture_flags */
};

static __always_inline bool prepend(struct walk *w, const void *src, __u32 len)
{
	if (len > NAME_MAX || len > w->pos)
		return false;
	w->pos -= len;
	return !bpf_probe_read_kernel(w->buf + (w->pos & (FD_PATH_END - 1)), len, src);
}

static __always_inline bool prepend_char(struct walk *w, __u8 c)
{
	if (!w->pos)
		return false;
	w->pos--;
	w->buf[w->pos & (FD_PATH_END - 1)] = c;
	return true;
}

static __always_inline bool prepend_number(struct walk *w, __u64 n)
{
	for (int i = 0; i < 20; i++) {
		if (!prepend_char(w, '0' + n % 10))
			return false;
		n /= 10;
		if (!n)
			break;
	}
	return true;
}

static __always_inline struct vfsmount *vfsmount_of(struct mount *mnt)
{
	return (void *)mnt + bpf_core_field_offset(struct mount, mnt);
}

static __always_inline struct mount *mount_of(struct vfsmount *vfs)
{
	return (void *)vfs - bpf_core_field_offset(struct mount, mnt);
}

/* bpf_loop callback: one component, or one mount crossed (prepend_path). */
static long walk_step(__u64 i, struct walk *w)
{
	struct dentry *dentry = w->dentry, *parent;
	struct mount *mnt = w->mnt, *up;
	struct vfsmount *vfs = vfsmount_of(mnt);
	const unsigned char *name;
	__u32 len;

	if (dentry == w->root_dentry && vfs == w->root_mnt)
		goto done;
	if (dentry == BPF_CORE_READ(vfs, mnt_root)) {
		up = BPF_CORE_READ(mnt, mnt_parent);
		if (up == mnt)
			goto done; /* the namespace's root, outside the task's */
		w->dentry = BPF_CORE_READ(mnt, mnt_mountpoint);
		w->mnt = up;
		return 0;
	}
	parent = BPF_CORE_READ(dentry, d_parent);
	if (parent == dentry) {
		/* Escaped from its mount: d_path gives "/". */
		w->pos = w->floor;
		goto done;
	}
	name = BPF_CORE_READ(dentry, d_name.name);
	len = BPF_CORE_READ(dentry, d_name.len);
	if (!prepend(w, name, len) || !prepend_char(w, '/')) {
		w->status = CAPTURE_CUT;
		return 1;
	}
	w->dentry = parent;
	return 0;
done:
	w->status = CAPTURE_OK;
	return 1;
}

/* The names /proc gives the files of pseudo filesystems (their d_dname):
 * true when dentry is one of those, with w->status set. */
static __always_inline bool pseudo_name(struct walk *w, struct dentry *dentry,
					struct vfsmount *vfs)
{
	const struct dentry_operations *ops = BPF_CORE_READ(dentry, d_op);
	const unsigned char *name = BPF_CORE_READ(dentry, d_name.name);
	__u32 len = BPF_CORE_READ(dentry, d_name.len);
	unsigned long magic;
	bool ok;

	/* Only unmounted pseudo files: parentless, not a mount's root. */
	if (!ops || !BPF_CORE_READ(ops, d_dname) || BPF_CORE_READ(dentry, d_parent) != dentry ||
	    dentry == BPF_CORE_READ(vfs, mnt_root))
		return false;
	magic = BPF_CORE_READ(dentry, d_sb, s_magic);
	switch (magic) {
	case PIPEFS_MAGIC:
	case SOCKFS_MAGIC:
		ok = prepend_char(w, ']') &&
		     prepend_number(w, BPF_CORE_READ(dentry, d_inode, i_ino)) &&
		     prepend(w, magic == PIPEFS_MAGIC ? "pipe:[" : "socket:[",
			     magic == PIPEFS_MAGIC ? 6 : 8);
		break;
	case ANON_INODE_FS_MAGIC:
		ok = prepend(w, name, len) && prepend(w, "anon_inode:", 11);
		break;
	case PID_FS_MAGIC:
		ok = prepend(w, "anon_inode:[pidfd]", 18);
		break;
	case NSFS_MAGIC:
	case DMA_BUF_MAGIC:
		/* Names made of more than the dentry: not spelled out here. */
		w->status = CAPTURE_FAULT;
		return true;
	default:
		/* simple_dname, "/NAME (deleted)": memfd, secretmem, hugetlbfs
		 * and shmem files. */
		w->flags |= CAPTURE_FD_DELETED;
		ok = prepend(w, name, len) && prepend_char(w, '/');
		break;
	}
	w->status = ok ? CAPTURE_OK : CAPTURE_CUT;
	return true;
}

/* The file descriptor fd of task refers to, or NULL. */
static __always_inline struct file *fd_file(struct task_struct *task, int fd)
{
	struct fdtable *fdt = BPF_CORE_READ(task, files, fdt);
	struct file **fds = BPF_CORE_READ(fdt, fd);
	struct file *file = NULL;

	if (fd < 0 || fd >= BPF_CORE_READ(fdt, max_fds))
		return NULL;
	bpf_probe_read_kernel(&file, sizeof(file), fds + fd);
	return file;
}

/* Appends the path of the file behind a descriptor argument or the result;
 * returns the bytes stored. */
/* Where fd_path writes the path. */
struct fd_path_out {
	__u8 bytes[FD_PATH_END];
};

/* Writes the path of the file behind descriptor fd (kind CAPTURE_FD_PATH or
 * CAPTURE_DIRFD_PATH) into out and its status into hdr; returns the bytes
 * written. A global function: the verifier checks it once, apart from the
 * capture loops that call it. */
__noinline int fd_path(long fd, int kind, struct capture *hdr, struct fd_path_out *out)
{
	struct task_struct *task = bpf_get_current_task_btf();
	struct fs_struct *fs = task->fs;
	struct dentry *dentry;
	struct vfsmount *vfs;
	struct walk w = {};
	struct file *file;
	__u32 zero = 0, len, pos;

	if (!hdr || !out)
		return 0;
	hdr->status = CAPTURE_NULL;
	if (fd == AT_FDCWD && kind == CAPTURE_DIRFD_PATH) {
		dentry = BPF_CORE_READ(fs, pwd.dentry);
		vfs = BPF_CORE_READ(fs, pwd.mnt);
	} else {
		if (fd < 0 || fd > 0x7fffffff)
			return 0;
		file = fd_file(task, fd);
		if (!file)
			return 0;
		dentry = BPF_CORE_READ(file, f_path.dentry);
		vfs = BPF_CORE_READ(file, f_path.mnt);
	}
	w.buf = bpf_map_lookup_elem(&path_buf, &zero);
	if (!w.buf || !dentry || !vfs)
		return 0;
	w.pos = FD_PATH_END;
	if (!pseudo_name(&w, dentry, vfs)) {
		/* d_unlinked(): unhashed, and not a root. */
		if (!BPF_CORE_READ(dentry, d_hash.pprev) &&
		    BPF_CORE_READ(dentry, d_parent) != dentry)
			w.flags |= CAPTURE_FD_DELETED;
		w.floor = w.pos;
		w.dentry = dentry;
		w.mnt = mount_of(vfs);
		w.root_dentry = BPF_CORE_READ(fs, root.dentry);
		w.root_mnt = BPF_CORE_READ(fs, root.mnt);
		bpf_loop(FD_PATH_STEPS, walk_step, &w, 0);
		if (!w.status)
			w.status = CAPTURE_CUT; /* deeper than the walk goes */
		if (w.status == CAPTURE_OK && w.pos == w.floor)
			prepend_char(&w, '/'); /* the root itself */
	}
	/* A whole buffer is one byte more than readlink gives. */
	if (w.status == CAPTURE_OK && w.pos == 0)
		w.status = CAPTURE_CUT;
	hdr->status = w.status;
	hdr->flags = w.flags;
	pos = w.pos;
	if (w.status == CAPTURE_FAULT || pos >= FD_PATH_END)
		return 0;
	/* pos < FD_PATH_END already; the mask shows it to the verifier, and
	 * the barrier keeps the compiler from dropping the mask. */
	barrier_var(pos);
	pos &= FD_PATH_END - 1;
	len = FD_PATH_END - pos;
	bpf_probe_read_kernel(out->bytes, len, w.buf + pos);
	return len;
}

static __always_inline bool is_fd_path(const struct capture_plan *plan)
{
	return plan->kind == CAPTURE_FD_PATH || plan->kind == CAPTURE_DIRFD_PATH;
}

/* Whether capture plan is taken in this pass; a capture skipped prints as
 * its address (a failed call's output) or was taken at entry. */
static __always_inline bool taken(const struct capture_plan *plan, const struct capture_state *state)
{
	if (state->at_entry)
		return plan->when & CAPTURE_AT_ENTRY;
	if ((plan->when & CAPTURE_IF_OK) && state->failed)
		return false;
	if ((plan->when & CAPTURE_AT_ENTRY) && !state->failed && state->entry_used)
		return false;
	return true;
}

/* Appends one capture to the record in scratch; returns 0 when it had no
 * room even for the header. A global function: the verifier checks it
 * once, apart from the loops that call it. */
__noinline int append_capture(struct scratch *scratch, struct capture_job *job)
{
	struct capture *hdr;
	__u8 *buf;
	__u64 off;
	__u32 len;

	if (!scratch || !job)
		return 0;
	buf = scratch->bytes;
	off = ((__u64)job->size + CAPTURE_ALIGN - 1) & ~(__u64)(CAPTURE_ALIGN - 1);
	if (off > SCRATCH_SIZE - sizeof(*hdr))
		return 0; /* cannot happen: room keeps HEADER_RESERVE free */
	/* Keep the compiler from using an unchecked copy of off below. */
	barrier_var(off);
	hdr = (struct capture *)(buf + off);
	hdr->arg = job->plan.arg;
	hdr->flags = 0;
	hdr->reserved = 0;
	if (job->lost) {
		/* Succeeded, but what entry read was lost: the memory is gone. */
		hdr->status = CAPTURE_NO_ROOM;
		len = 0;
	} else {
		len = read_user(job, buf, hdr, off + sizeof(*hdr));
	}
	if (len > SCRATCH_SIZE)
		len = 0;
	if (job->plan.kind == CAPTURE_STRING && job->fingerprint &&
	    (hdr->status == CAPTURE_OK || hdr->status == CAPTURE_CUT)) {
		__u64 data_off = off + sizeof(*hdr);

		barrier_var(data_off);
		if (data_off <= DATA_LIMIT && fingerprint(buf + data_off, len) != job->fingerprint)
			hdr->flags |= CAPTURE_CHANGED;
	}
	hdr->len = len;
	job->size = off + sizeof(*hdr) + len;
	return 1;
}

/* bpf_loop callback: appends capture i of the plan to the record. */
static long capture_one(__u64 i, struct capture_state *state)
{
	const struct capture_plan *plan;
	struct capture_job job = {};

	if (i >= MAX_CAPTURES)
		return 1;
	plan = &state->call->plan.captures[i];
	if (plan->kind == CAPTURE_NONE)
		return 1;
	if (is_fd_path(plan) || !taken(plan, state))
		return 0;
	for (int a = 0; a < MAX_ARGS; a++)
		job.args[a] = state->call->args[a];
	job.ret = state->ret;
	if (!state->at_entry)
		job.fingerprint = state->call->fingerprint[i];
	job.plan = *plan;
	job.size = state->size;
	job.room = state->room;
	job.compat = state->call->compat;
	job.lost = (plan->when & CAPTURE_AT_ENTRY) && !state->at_entry && !state->failed;
	if (!append_capture((struct scratch *)state->buf, &job))
		return 1;
	state->size = job.size;
	state->faults += job.faults;
	state->count++;
	return 0;
}

/* bpf_loop callback: appends capture i if it names a descriptor's file, at
 * exit. A pass of its own, so that the verifier explores the path walk
 * apart from the user memory reads. */
static long capture_fd_one(__u64 i, struct capture_state *state)
{
	const struct capture_plan *plan;
	struct capture *hdr;
	__u64 off;
	__u32 len = 0;
	long fd;

	if (i >= MAX_CAPTURES)
		return 1;
	plan = &state->call->plan.captures[i];
	if (plan->kind == CAPTURE_NONE)
		return 1;
	if (!is_fd_path(plan))
		return 0;
	off = ((__u64)state->size + CAPTURE_ALIGN - 1) & ~(__u64)(CAPTURE_ALIGN - 1);
	if (off > SCRATCH_SIZE - sizeof(*hdr))
		return 1; /* cannot happen: room keeps HEADER_RESERVE free */
	barrier_var(off);
	hdr = (struct capture *)(state->buf + off);
	hdr->arg = plan->arg;
	hdr->flags = 0;
	hdr->reserved = 0;
	if (off + sizeof(*hdr) > DATA_LIMIT || off + sizeof(*hdr) + FD_PATH_END > state->room) {
		hdr->status = CAPTURE_NO_ROOM;
	} else {
		fd = plan->arg < MAX_ARGS ? (long)(int)state->call->args[plan->arg] : state->ret;
		barrier_var(off);
		len = fd_path(fd, plan->kind, hdr,
			      (struct fd_path_out *)(state->buf + off + sizeof(*hdr)));
		if (len > FD_PATH_END)
			len = 0;
	}
	hdr->len = len;
	state->size = off + sizeof(*hdr) + len;
	state->count++;
	return 0;
}

/* Exec replaces the memory its arguments are in: what the plan marks
 * CAPTURE_AT_ENTRY is read now, into the thread's entry storage, and put
 * in the record at exit if the call succeeded. */
static __always_inline void capture_at_entry(struct task_struct *task, struct in_flight *call)
{
	struct capture_state state = {};
	struct entry_captures *saved;
	__u32 zero = 0;
	__u32 size;
	__u8 *buf;

	buf = bpf_map_lookup_elem(&scratch, &zero);
	if (!buf)
		return;
	saved = bpf_task_storage_get(&entry_captures, task, NULL, BPF_LOCAL_STORAGE_GET_F_CREATE);
	if (!saved) {
		__sync_fetch_and_add(&lost_in_flight, 1);
		return;
	}
	state.buf = buf;
	state.call = call;
	state.room = ENTRY_BYTES - HEADER_RESERVE;
	state.at_entry = 1;
	bpf_loop(MAX_CAPTURES, capture_one, &state, 0);
	size = state.size;
	if (size > ENTRY_BYTES)
		size = 0;
	saved->size = size;
	saved->count = size ? state.count : 0;
	saved->faults = state.faults;
	if (size)
		bpf_probe_read_kernel(saved->bytes, size, buf);
}

SEC("tp_btf/sys_enter")
int BPF_PROG(sys_enter, struct pt_regs *regs, long nr)
{
	struct task_struct *task;
	struct in_flight *call;
	const volatile struct call_plan *plan;
	bool compat;

	if (!maybe_traced(nr))
		return 0;
	task = bpf_get_current_task_btf();
	if (!trace_allowed(task))
		return 0;

	compat = task->thread_info.status & TS_COMPAT;
	plan = compat ? &compat_plans[nr] : &native_plans[nr];
	if (!plan->call)
		return 0;

	call = bpf_task_storage_get(&in_flight, task, NULL, BPF_LOCAL_STORAGE_GET_F_CREATE);
	if (!call) {
		__sync_fetch_and_add(&lost_in_flight, 1);
		return 0;
	}
	call->plan = *plan;
	read_args(regs, compat, call->args);
	if (compat && call->plan.split_arg < MAX_ARGS - 1)
		merge_split_arg(call->args, call->plan.split_arg);
	call->compat = compat;
	fingerprint_strings(task, call);
	if (call->plan.at_entry)
		capture_at_entry(task, call);
	call->enter_ns = bpf_ktime_get_ns();
	call->active = 1;
	return 0;
}

/* A fatal signal, exit_group and another thread's exec all queue SIGKILL
 * to every thread they end: such a thread leaves the call only to die. */
static __always_inline bool dying(struct task_struct *task)
{
	return (task->pending.signal.sig[0] & (1UL << (SIGKILL - 1))) ||
	       (task->signal->flags & SIGNAL_GROUP_EXIT);
}

static __always_inline bool wanted_result(long ret)
{
	bool failed = ret < 0 && ret >= -4095;

	if (only_success && failed)
		return false;
	if (only_failure && !failed)
		return false;
	return true;
}

/* Builds the record of a call that ended and sends it. */
static __always_inline void emit(struct task_struct *task, struct in_flight *call, long ret,
				 struct entry_captures *saved)
{
	struct capture_state state = {};
	struct record *rec;
	__u64 size, flags;
	__u32 zero = 0;
	__u8 *buf;

	buf = bpf_map_lookup_elem(&scratch, &zero);
	if (!buf)
		return;

	rec = (struct record *)buf;
	rec->enter_ns = call->enter_ns;
	rec->exit_ns = bpf_ktime_get_ns();
	rec->ret = ret;
	for (int i = 0; i < MAX_ARGS; i++)
		rec->args[i] = call->args[i];
	rec->host_pid = task->tgid;
	rec->host_tid = task->pid;
	rec->host_ppid = task->real_parent->tgid;
	if (ns_level) {
		rec->pid = ns_tgid(task);
		rec->tid = ns_number(task->thread_pid);
		rec->ppid = ns_tgid(task->real_parent); /* 0: a parent outside, as getppid() */
	} else {
		rec->pid = rec->host_pid;
		rec->tid = rec->host_tid;
		rec->ppid = rec->host_ppid;
	}
	rec->uid = (__u32)bpf_get_current_uid_gid();
	rec->call = call->plan.call;
	rec->flags = call->compat ? RECORD_COMPAT : 0;
	if (dying(task))
		rec->flags |= RECORD_DYING;
	bpf_get_current_comm(rec->comm, sizeof(rec->comm));

	state.buf = buf;
	state.call = call;
	state.ret = ret;
	state.size = sizeof(*rec);
	state.room = SCRATCH_SIZE - HEADER_RESERVE;
	state.failed = ret < 0 && ret >= -4095;
	if (saved && !state.failed) {
		size = saved->size;
		if (size <= ENTRY_BYTES && saved->count <= MAX_CAPTURES &&
		    !bpf_probe_read_kernel(buf + sizeof(*rec), size, saved->bytes)) {
			state.size += size;
			state.count = saved->count;
			state.faults = saved->faults;
			state.entry_used = 1;
		}
	}
	bpf_loop(MAX_CAPTURES, capture_one, &state, 0);
	bpf_loop(MAX_CAPTURES, capture_fd_one, &state, 0);
	if (state.faults)
		__sync_fetch_and_add(&capture_faults, state.faults);
	rec->captures = state.count;
	size = state.size;
	if (size > SCRATCH_SIZE)
		return;

	flags = bpf_ringbuf_query(&events, BPF_RB_AVAIL_DATA) >= wakeup_bytes
			? BPF_RB_FORCE_WAKEUP
			: BPF_RB_NO_WAKEUP;
	if (bpf_ringbuf_output(&events, buf, size, flags))
		__sync_fetch_and_add(&lost_records, 1);
}

SEC("tp_btf/sys_exit")
int BPF_PROG(sys_exit, struct pt_regs *regs, long ret)
{
	struct task_struct *task = bpf_get_current_task_btf();
	struct entry_captures *saved = NULL;
	struct in_flight *call;

	/* Threads that never made a traced call have no storage: the common
	 * case for every syscall of every other process, told by one load. */
	if (bpf_core_field_exists(task->bpf_storage) && !task->bpf_storage)
		return 0;
	call = bpf_task_storage_get(&in_flight, task, NULL, 0);
	if (!call || !call->active)
		return 0;
	call->active = 0;
	if (call->plan.at_entry)
		saved = bpf_task_storage_get(&entry_captures, task, NULL, 0);

	if (wanted_result(ret))
		emit(task, call, ret, saved);
	if (saved)
		bpf_task_storage_delete(&entry_captures, task);
	return 0;
}

/* -f: a child of a traced process is traced from its first instruction. */
SEC("tp_btf/sched_process_fork")
int BPF_PROG(sched_process_fork, struct task_struct *parent, struct task_struct *child)
{
	__u32 parent_tgid = parent->tgid;
	__u32 child_tgid = child->tgid;
	__u32 tid;
	__u8 one = 1;

	if (!follow_forks || !filter_targets)
		return 0;
	if (parent_tgid == child_tgid) {
		/* A new thread: already traced with its process, unless only
		 * some threads are, and then only if its creator is. */
		tid = child->pid;
		if (filter_threads && trace_allowed(parent))
			bpf_map_update_elem(&thread_targets, &tid, &one, BPF_NOEXIST);
		return 0;
	}
	if (!trace_allowed(parent))
		return 0;
	add_target(child_tgid);
	return 0;
}

/* A target whose last thread exits leaves the set, so its pid cannot be
 * reused into the trace, and user space sees when every target is gone;
 * so does a single traced thread when it exits. */
SEC("tp_btf/sched_process_exit")
int BPF_PROG(sched_process_exit, struct task_struct *task)
{
	__u32 tgid, tid;

	if (!filter_targets)
		return 0;
	if (filter_threads) {
		tid = task->pid;
		bpf_map_delete_elem(&thread_targets, &tid);
	}
	if (task->signal->live.counter != 0)
		return 0;
	tgid = task->tgid;
	bpf_map_delete_elem(&targets, &tgid);
	return 0;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
