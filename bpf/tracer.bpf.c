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

/* Set by user space before load. The plans are plain globals, not rodata,
 * so that a call's plan is read in place through a pointer at its exit
 * rather than copied at its entry: the verifier knows none of their values
 * either way, the syscall number being unknown. */
struct call_plan native_plans[NR_SLOTS] = {};
struct call_plan compat_plans[NR_SLOTS] = {};
/* The plan of the call a thread is in, from the number and ABI its entry
 * saw (NR_SLOTS is a power of two; the mask only bounds the index). */
static __always_inline const struct call_plan *plan_of(const struct in_flight *call)
{
	__u32 nr = call->nr & (NR_SLOTS - 1);

	return call->compat ? &compat_plans[nr] : &native_plans[nr];
}

const volatile __u32 self_tgid = 0; /* the kernel's id of ftrace-cli itself */
/* ftrace-cli's pid namespace: its depth (0: the host's) and inode. Records
 * carry pids as that namespace numbers them, and from inside a namespace
 * only processes it can see are traced. */
const volatile __u32 ns_level = 0;
const volatile __u32 ns_inum = 0;
const volatile bool filter_targets = false; /* only the tgids in `targets` ... */
const volatile bool filter_comms = false;   /* ... or the comms in `comms` */
/* With filter_comms: bit comm_bit(name) of each -c name. A clear bit proves
 * a process's name is none of them, with no helper call and no lookup. */
const volatile __u64 comm_bits[COMM_BITS / 64] = {};
const volatile bool follow_forks = false;
const volatile bool filter_threads = false; /* some targets are single threads */
const volatile bool filter_uids = false;    /* only the real uids in `uids` */
/* --cgroup: only tasks whose cgroup v2 ancestor at cgroup_levels[i] is
 * cgroup_ids[i], for some i < nr_cgroups. */
const volatile __u32 nr_cgroups = 0;
const volatile __u64 cgroup_ids[MAX_CGROUPS];
const volatile __u32 cgroup_levels[MAX_CGROUPS];
/* -y or -P: plans name descriptors. Without them the verifier drops that
 * code (a known constant), most of what it would check at start-up. */
const volatile bool name_files = false;
/* --json: records carry the namespaces, and the executable when it is
 * new to the thread. Text output does not pay for them. */
const volatile bool task_details = false;
/* -t, -r, -T, -c, --json, --live: records carry the times of entry and
 * exit. A plain trace is spared two clock reads per call. */
const volatile bool times = false;
const volatile bool only_success = false; /* -z */
const volatile bool only_failure = false; /* -Z */
/* -P: the calls that touch one of these paths, alone, are sent. */
const volatile __u32 trace_path_count = 0;
/* Writable memory, unlike the rodata above: the verifier must not know the
 * lengths, or it would follow every byte of a path as its own state. */
struct trace_path trace_paths[MAX_TRACE_PATHS] = {};
/* Bit n set when some trace path's last component has n bytes (n <= NAME_MAX):
 * of every path, and of the prefix ones alone. The first pass reads a
 * dentry's name, and compares, only when its length is one of these. */
__u64 last_lengths[4] = {};
__u64 prefix_last_lengths[4] = {};
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
enum capture_match _capture_match = 0;
enum target_kind _target_kind = 0;
struct capture _capture = {};
struct in_flight _in_flight = {};


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
	__uint(max_entries, MAX_COMMS);
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
#define HEADER_RESERVE ((MAX_CAPTURES + 1) * (sizeof(struct capture) + CAPTURE_ALIGN))
_Static_assert(BYTES_MAX <= CAPTURE_MAX, "byte captures fit as strings do");

_Static_assert(ENTRY_BYTES + sizeof(struct record) <= SCRATCH_SIZE, "entry captures fit a record");
_Static_assert(HEADER_RESERVE < ENTRY_BYTES, "capture headers always fit");

struct scratch {
	__u8 bytes[SCRATCH_SIZE];
};

/* The captures a call read at entry (CAPTURE_AT_ENTRY, CAPTURE_BEFORE), until its exit;
 * only threads inside such a call have one. */
struct entry_captures {
	__u32 size;
	__u32 count;
	__u32 faults; /* counted only if the captures are used */
	__u16 offset[MAX_CAPTURES]; /* as capture_state's, in the record */
	__u8 reserved[6];
	__u8 bytes[ENTRY_BYTES]; /* the record's bytes after its header */
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

/* The bit of comm_bits for a name: its first 8 bytes, up to its NUL,
 * multiplied and shifted (Fibonacci hashing). src/tracer.rs mirrors it. */
static __always_inline __u32 comm_bit(__u64 head)
{
	for (int i = 0; i < 8; i++) {
		if (!((head >> (i * 8)) & 0xff)) {
			head &= (1ULL << (i * 8)) - 1;
			break;
		}
	}
	return (head * 0x9e3779b97f4a7c15ULL) >> 52;
}

/* Clears the bytes of a UTF-8 character the 15-byte comm ends inside;
 * false when it ends on a character boundary (nothing to clear). */
static __always_inline bool trim_partial_utf8(char *comm)
{
	const int last = TASK_COMM_LEN - 2;
	__u8 c0 = comm[last], c1 = comm[last - 1], c2 = comm[last - 2];

	if (c0 < 0x80)
		return false;
	if (c0 >= 0xc0) { /* a lead byte with none of its continuation bytes */
		comm[last] = 0;
		return true;
	}
	if (c1 >= 0xe0) { /* a 3- or 4-byte lead with one continuation byte */
		comm[last] = comm[last - 1] = 0;
		return true;
	}
	if (c1 >= 0x80 && c1 < 0xc0 && c2 >= 0xf0) { /* a 4-byte lead with two */
		comm[last] = comm[last - 1] = comm[last - 2] = 0;
		return true;
	}
	return false;
}

static __always_inline bool comm_matches(struct task_struct *task)
{
	char comm[TASK_COMM_LEN] = {};
	__u32 bit = comm_bit(*(__u64 *)task->comm);

	if (!(comm_bits[bit / 64] & (1ULL << (bit % 64))))
		return false;
	bpf_get_current_comm(comm, sizeof(comm));
	if (bpf_map_lookup_elem(&comms, comm))
		return true;
	/* The kernel cut a long name after 15 bytes, inside a UTF-8 character:
	 * -c takes the name cut at the character before, so drop the partial
	 * character and look again. ASCII names never get here. */
	if (!trim_partial_utf8(comm))
		return false;
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

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 256);
	__type(key, __u32); /* real uid */
	__type(value, __u8);
} uids SEC(".maps");

static __always_inline bool uid_matches(void)
{
	__u32 uid = (__u32)bpf_get_current_uid_gid();

	return bpf_map_lookup_elem(&uids, &uid) != NULL;
}

static __always_inline bool cgroup_matches(void)
{
	for (int i = 0; i < MAX_CGROUPS; i++) {
		if (i >= nr_cgroups)
			break;
		if (bpf_get_current_ancestor_cgroup_id(cgroup_levels[i]) == cgroup_ids[i])
			return true;
	}
	return false;
}

/* -p, -c and the command: whether the task is one of the targets. */
static __always_inline bool selected(struct task_struct *task, __u32 tgid)
{
	if (filter_targets && is_target(task, tgid))
		return true; /* only visible processes are ever made targets */
	if ((filter_targets || filter_comms) && !(filter_comms && comm_matches(task)))
		return false;
	/* System-wide or by name, inside a namespace: only what it can see. */
	if (ns_level && !ns_tgid(task))
		return false;
	return true;
}

static __always_inline bool trace_allowed(struct task_struct *task)
{
	__u32 tgid = task->tgid;

	if (tgid == self_tgid)
		return false;
	if (!selected(task, tgid))
		return false;
	/* Narrowing filters last, after the cheap rejections. */
	if (filter_uids && !uid_matches())
		return false;
	if (nr_cgroups && !cgroup_matches())
		return false;
	return true;
}

/* The thread's in-flight storage if it may be traced, else NULL. The
 * storage is made only once trace_allowed passed; when every filter in use
 * holds for a thread's whole life (targets, the namespace; not names, uids
 * or cgroups, which exec, setuid and moves change), having it is the
 * verdict, and a traced call is spared the lookups. */
static __always_inline struct in_flight *admitted(struct task_struct *task,
						  struct task_struct *fields)
{
	bool lasting = !filter_comms && !filter_uids && !nr_cgroups;
	struct in_flight *call;

	if (lasting && !(bpf_core_field_exists(fields->bpf_storage) && !fields->bpf_storage)) {
		call = bpf_task_storage_get(&in_flight, task, NULL, 0);
		if (call)
			return call;
	}
	if (!trace_allowed(fields))
		return NULL;
	call = bpf_task_storage_get(&in_flight, task, NULL, BPF_LOCAL_STORAGE_GET_F_CREATE);
	if (!call)
		__sync_fetch_and_add(&lost_in_flight, 1);
	return call;
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

/* Whether a capture's condition on another argument holds (always, when
 * it has none): the plan then holds one capture per kind an argument takes
 * as a command selects it, and only the right one runs. */
static __always_inline bool condition_holds(const struct capture_plan *plan, const __u64 *args)
{
	__u32 v;
	bool in;

	if (!plan->if_values)
		return true;
	if (plan->if_arg >= MAX_ARGS)
		return false;
	v = ((__u32)args[plan->if_arg] >> (plan->if_shift & 31)) - plan->if_base;
	in = v < 64 && ((plan->if_values >> (v & 63)) & 1);
	return in != !!plan->if_not;
}

/* Fingerprints the strings the call will capture, as they are now. The
 * kernel copies them right after this; a different string at exit means
 * another thread changed it meanwhile, and the record says so. Only a task
 * whose memory has other users (threads, CLONE_VM children) can see that
 * happen, so the others skip the extra read. */
struct fingerprinting {
	struct in_flight *call;
	const struct call_plan *plan;
	struct entry_string *scratch;
};

/* bpf_loop callback: fingerprints capture i's string, if it is one. */
static long fingerprint_one(__u64 i, struct fingerprinting *f)
{
	const struct capture_plan *plan;
	struct in_flight *call = f->call;
	__u8 arg;
	long n;

	if (i >= MAX_CAPTURES)
		return 1;
	plan = &f->plan->captures[i];
	arg = plan->arg;
	if (plan->kind == CAPTURE_NONE)
		return 1;
	if (plan->kind != CAPTURE_STRING || arg >= MAX_ARGS || !call->args[arg] ||
	    !condition_holds(plan, call->args))
		return 0;
	n = bpf_probe_read_user_str(f->scratch->bytes, CAPTURE_MAX, (void *)call->args[arg]);
	if (n > 0)
		call->fingerprint[i] = fingerprint(f->scratch->bytes, n - 1);
	return 0;
}

static __always_inline void fingerprint_strings(struct task_struct *task, struct in_flight *call,
						const struct call_plan *plan)
{
	struct fingerprinting f = { .call = call, .plan = plan };
	struct mm_struct *mm = task->mm;
	__u32 zero = 0;

	__builtin_memset(call->fingerprint, 0, sizeof(call->fingerprint));
	if (!mm || mm->mm_users.counter < 2)
		return;
	f.scratch = bpf_map_lookup_elem(&entry_string, &zero);
	if (!f.scratch)
		return;
	bpf_loop(MAX_CAPTURES, fingerprint_one, &f, 0);
}

/* What capture_one works on, shared across bpf_loop iterations. */
struct capture_state {
	__u8 *buf; /* the record being built (map memory) */
	const struct in_flight *call;
	const struct call_plan *plan;
	long ret;
	__u32 size;  /* bytes of the record so far */
	__u32 room;  /* bytes the captures may fill: less at entry (ENTRY_BYTES) */
	__u32 faults; /* user memory that could not be read */
	__u8 count;  /* captures written */
	__u8 at_entry;   /* taking the CAPTURE_AT_ENTRY captures, at entry */
	__u8 failed;     /* at exit: the call failed */
	__u8 entry_used; /* at exit: the entry captures are in the record */
	/* Where capture i of the plan starts in the record; 0: not there
	 * (the record's header is at 0). */
	__u16 offset[MAX_CAPTURES];
};

/* capture_state less its pointers: what the capture passes take and give back. */
struct capture_progress {
	__s64 ret;
	__u32 size;
	__u32 room;
	__u32 faults;
	__u8 count;
	__u8 at_entry;
	__u8 failed;
	__u8 entry_used;
	__u16 offset[MAX_CAPTURES];
};

/* capture_state's offset[], as -P's selection takes it. */
struct capture_offsets {
	__u16 at[MAX_CAPTURES];
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
	if (plan->kind == CAPTURE_BYTES || plan->kind == CAPTURE_POINTEE) {
		len = plan->size;
		if (plan->len_arg < MAX_ARGS) {
			__u64 given = job->args[plan->len_arg];

			if (plan->len_int)
				given = (__u32)given;
			if (given < len)
				len = given;
		}
		if (plan->len_arg == ARG_RESULT)
			len = job->ret < 0 ? 0 : (__u64)job->ret < len ? (__u64)job->ret : len;
		if (plan->len_arg == LEN_FIELD) {
			__u32 count;

			if (bpf_probe_read_user(&count, sizeof(count), ptr + plan->len_at)) {
				job->faults++;
				hdr->status = CAPTURE_FAULT;
				return 0;
			}
			if ((__u64)plan->head + count < len)
				len = (__u64)plan->head + count;
		}
		if (plan->kind == CAPTURE_POINTEE) {
			__u64 inner;

			if (bpf_probe_read_user(&inner, sizeof(inner), ptr + plan->ptr_at)) {
				job->faults++;
				hdr->status = CAPTURE_FAULT;
				return 0;
			}
			if (!inner) {
				hdr->status = CAPTURE_NULL;
				return 0;
			}
			ptr = (const void *)inner;
		}
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
 * writes the components backwards into path_buf; FD_PATH_STEPS bounds it.
 */

#define AT_FDCWD -100
#define NAME_MAX 255
/* path_buf: the text ends at FD_PATH_END; the slack past it keeps every
 * masked write of a name in bounds for the verifier. */
#define FD_PATH_END 4096
/* The first steps of a walk run in a plain loop, which the verifier checks
 * step by step; an iterator takes the rest, of the rare deeper paths. */
#define QUICK_STEPS 8
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
	/* The text so far is bytes[pos..FD_PATH_END). In map memory, not on
	 * the stack: the verifier forgets it between steps of the walk, or
	 * it would follow every length the walk could reach. */
	__u32 pos;
	__u32 floor; /* pos before the first component: after " (deleted)" */
	__u8 bytes[FD_PATH_END + NAME_MAX + 1];
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct path_buf);
} path_buf SEC(".maps");

/* Where a walk up a file's dentries is, and the task's root it ends at;
 * -y's walk and -P's look at the names both climb this way. */
struct ancestry {
	struct dentry *dentry;
	struct mount *mnt;
	struct dentry *root;
	struct vfsmount *root_mnt;
};

/* A walk in progress. */
struct walk {
	struct ancestry at;
	struct path_buf *buf;
	__u8 status; /* 0 while walking, then CAPTURE_OK or CAPTURE_CUT */
	__u8 flags;  /* enum capture_flags */
};

static __always_inline bool prepend(struct walk *w, const void *src, __u32 len)
{
	__u32 pos;

	if (len > NAME_MAX || len > w->buf->pos)
		return false;
	pos = w->buf->pos -= len;
	/* The masks change nothing (len <= NAME_MAX = 0xff, pos < FD_PATH_END)
	 * but show the verifier the bounds on the registers the copy uses. */
	barrier_var(pos);
	barrier_var(len);
	return !bpf_probe_read_kernel(w->buf->bytes + (pos & (FD_PATH_END - 1)), len & NAME_MAX, src);
}

/* The 8 bytes at kernel address addr, by a plain load (fault-safe, as
 * every load through an untrusted pointer): read as struct qstr's
 * hash_len, a u64 at its start on every kernel, since casting to plain
 * memory needs 6.17. */
static __always_inline __u64 kernel_word(const void *addr)
{
	return bpf_core_cast(addr, struct qstr)->hash_len;
}

/* Longest dentry name prepend_name copies by plain loads: the names the
 * dentry holds inline (DNAME_INLINE_LEN is 40 on 64-bit kernels). */
#define WORD_COPY_MAX 40

/* prepend() for a dentry's name: a short one is copied 8 bytes at a time
 * by plain loads, with no helper call, from its end backwards. The first
 * word read may start before the name (inside the dentry or its
 * external_name, readable) and lands below the text, where the next
 * component will go; so it needs 8 bytes free there. */
static __always_inline bool prepend_name(struct walk *w, const unsigned char *name, __u32 len)
{
	__u32 end = w->buf->pos, at;
	__u64 word;

	if (len > WORD_COPY_MAX || end < len + 8)
		return prepend(w, name, len);
	for (int i = 0; i < WORD_COPY_MAX / 8; i++) {
		if (i * 8 >= len)
			break;
		word = kernel_word(name + len - 8 - i * 8);
		at = end - 8 - i * 8;
		barrier_var(at);
		*(__u64 *)(w->buf->bytes + (at & (FD_PATH_END - 1))) = word;
	}
	w->buf->pos = end - len;
	return true;
}

static __always_inline bool prepend_char(struct walk *w, __u8 c)
{
	__u32 pos;

	if (!w->buf->pos)
		return false;
	pos = --w->buf->pos;
	/* The compiler may know the mask changes nothing; the verifier must
	 * see it. */
	barrier_var(pos);
	w->buf->bytes[pos & (FD_PATH_END - 1)] = c;
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

/* The struct mount a path's vfsmount is the `mnt` member of. */
static __always_inline struct mount *mount_of(struct vfsmount *vfs)
{
	return bpf_core_cast((void *)vfs - bpf_core_field_offset(struct mount, mnt),
			     struct mount);
}

/* The start of a walk up from the file at (dentry, vfs), to the task's root. */
static __always_inline struct ancestry ancestry_of(struct task_struct *task,
						   struct dentry *dentry, struct vfsmount *vfs)
{
	struct ancestry a = {
		.dentry = dentry,
		.mnt = mount_of(vfs),
		.root = task->fs->root.dentry,
		.root_mnt = task->fs->root.mnt,
	};

	return a;
}

enum climb {
	CLIMB_NAME = 0,  /* at a dentry of the mount: its name is the next component */
	CLIMB_MOUNT = 1, /* crossed from a mount's root to where it is mounted */
	CLIMB_ROOT = 2,  /* at the task's root, or the namespace's above it */
};

/* What the walk at a meets before it takes a dentry's name: the end, or a
 * mount to cross (crossed here, as d_path's prepend_path does). */
static __always_inline int climb(struct ancestry *a)
{
	struct vfsmount *vfs = &a->mnt->mnt;
	struct mount *up;

	if (a->dentry == a->root && vfs == a->root_mnt)
		return CLIMB_ROOT;
	if (a->dentry != vfs->mnt_root)
		return CLIMB_NAME;
	up = a->mnt->mnt_parent;
	if (up == a->mnt)
		return CLIMB_ROOT; /* the namespace's root, outside the task's */
	a->dentry = a->mnt->mnt_mountpoint;
	a->mnt = up;
	return CLIMB_MOUNT;
}

/* One component, or one mount crossed (prepend_path); true at the end.
 * Kernel pointers are followed by direct loads (BTF-typed, fault-safe):
 * a helper call each would cost several times the whole step. */
static __always_inline bool walk_step(struct walk *w)
{
	struct dentry *dentry, *parent;
	const unsigned char *name;
	__u32 len;

	switch (climb(&w->at)) {
	case CLIMB_ROOT:
		goto done;
	case CLIMB_MOUNT:
		return false;
	}
	dentry = w->at.dentry;
	parent = dentry->d_parent;
	if (parent == dentry) {
		/* Escaped from its mount: d_path gives "/". */
		w->buf->pos = w->buf->floor;
		goto done;
	}
	name = dentry->d_name.name;
	len = dentry->d_name.len;
	if (!prepend_name(w, name, len) || !prepend_char(w, '/')) {
		w->status = CAPTURE_CUT;
		return true;
	}
	w->at.dentry = parent;
	return false;
done:
	w->status = CAPTURE_OK;
	return true;
}

/* The names /proc gives the files of pseudo filesystems (their d_dname):
 * true when dentry is one of those, with w->status set. */
static __always_inline bool pseudo_name(struct walk *w, struct dentry *dentry,
					struct vfsmount *vfs)
{
	const struct dentry_operations *ops = dentry->d_op;
	const unsigned char *name = dentry->d_name.name;
	__u32 len = dentry->d_name.len;
	unsigned long magic;
	bool ok;

	/* Only unmounted pseudo files: parentless, not a mount's root. */
	if (dentry->d_parent != dentry || dentry == vfs->mnt_root || !ops || !ops->d_dname)
		return false;
	magic = dentry->d_sb->s_magic;
	switch (magic) {
	case PIPEFS_MAGIC:
	case SOCKFS_MAGIC:
		ok = prepend_char(w, ']') &&
		     prepend_number(w, dentry->d_inode->i_ino) &&
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

/* A view of task for reading its fields. Each pointer loaded through a
 * trusted task (from the kernel, or bpf_get_current_task_btf) has the
 * verifier search the kernel's BTF by name for what it may trust, most
 * of start-up; through this untrusted view it does not. The helpers that
 * take the task itself (task storage) still get the trusted one. The
 * cast is inlined to a move. */
static __always_inline struct task_struct *fields_of(struct task_struct *task)
{
	return bpf_core_cast(task, struct task_struct);
}

/* The file descriptor fd of task refers to, or NULL. */
static __always_inline struct file *fd_file(struct task_struct *task, int fd)
{
	struct fdtable *fdt = task->files->fdt;

	if (fd < 0 || fd >= fdt->max_fds)
		return NULL;
	return bpf_core_cast((void *)kernel_word(fdt->fd + fd), struct file);
}

/* Appends the path of the file at (dentry, vfs), as the task's root shows
 * it and as d_path builds it; returns the bytes stored. */
static __always_inline __u32 capture_file_path(struct task_struct *task, struct dentry *dentry,
					       struct vfsmount *vfs, struct capture *hdr,
					       __u8 *data)
{
	struct walk w = {};
	__u32 zero = 0, len, pos;
	int step;

	hdr->status = CAPTURE_NULL;
	w.buf = bpf_map_lookup_elem(&path_buf, &zero);
	if (!w.buf || !dentry || !vfs)
		return 0;
	w.buf->pos = FD_PATH_END;
	if (!pseudo_name(&w, dentry, vfs)) {
		/* d_unlinked(): unhashed, and not a root. */
		if (!dentry->d_hash.pprev && dentry->d_parent != dentry)
			w.flags |= CAPTURE_FD_DELETED;
		w.buf->floor = w.buf->pos;
		w.at = ancestry_of(task, dentry, vfs);
		/* Plain loops: a call per step (bpf_loop's, or an iterator's)
		 * would cost more than the step. */
		for (step = 0; step < QUICK_STEPS && !w.status; step++)
			walk_step(&w);
		if (!w.status) {
			bpf_for(step, QUICK_STEPS, FD_PATH_STEPS) {
				if (walk_step(&w))
					break;
			}
		}
		if (!w.status)
			w.status = CAPTURE_CUT; /* deeper than the walk goes */
		if (w.status == CAPTURE_OK && w.buf->pos == w.buf->floor)
			prepend_char(&w, '/'); /* the root itself */
	}
	/* A whole buffer is one byte more than readlink gives. */
	if (w.status == CAPTURE_OK && w.buf->pos == 0)
		w.status = CAPTURE_CUT;
	hdr->status = w.status;
	hdr->flags = w.flags;
	pos = w.buf->pos;
	if (w.status == CAPTURE_FAULT || pos >= FD_PATH_END)
		return 0;
	/* pos < FD_PATH_END already; the mask shows it to the verifier, and
	 * the barrier keeps the compiler from dropping the mask. */
	barrier_var(pos);
	pos &= FD_PATH_END - 1;
	len = FD_PATH_END - pos;
	bpf_probe_read_kernel(data, len, w.buf->bytes + pos);
	return len;
}

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
	struct task_struct *task = fields_of(bpf_get_current_task_btf());
	struct fs_struct *fs = task->fs;
	struct dentry *dentry;
	struct vfsmount *vfs;
	struct file *file;

	if (!hdr || !out)
		return 0;
	hdr->status = CAPTURE_NULL;
	if (fd == AT_FDCWD && kind == CAPTURE_DIRFD_PATH) {
		dentry = fs->pwd.dentry;
		vfs = fs->pwd.mnt;
	} else {
		if (fd < 0 || fd > 0x7fffffff)
			return 0;
		file = fd_file(task, fd);
		if (!file)
			return 0;
		dentry = file->f_path.dentry;
		vfs = file->f_path.mnt;
	}
	return capture_file_path(task, dentry, vfs, hdr, out->bytes);
}

/* Writes the path of the task's executable as fd_path does a descriptor's.
 * Global for the same reason, and so that the walk's stack is not part of
 * sys_exit's. */
__noinline int exe_path(struct capture *hdr, struct fd_path_out *out)
{
	struct task_struct *task = fields_of(bpf_get_current_task_btf());
	struct file *exe = task->mm->exe_file;

	if (!hdr || !out || !exe)
		return 0;
	return capture_file_path(task, exe->f_path.dentry, exe->f_path.mnt, hdr, out->bytes);
}

static __always_inline bool is_fd_path(const struct capture_plan *plan)
{
	return plan->kind == CAPTURE_FD_PATH || plan->kind == CAPTURE_DIRFD_PATH;
}

/* Whether capture plan is taken in this pass; a capture skipped prints as
 * its address (a failed call's output) or was taken at entry. */
static __always_inline bool taken(const struct capture_plan *plan, const struct capture_state *state)
{
	if (!condition_holds(plan, state->call->args))
		return false;
	if (state->at_entry)
		return plan->when & (CAPTURE_AT_ENTRY | CAPTURE_BEFORE);
	if ((plan->when & CAPTURE_IF_OK) && state->failed)
		return false;
	/* Used only if the call succeeded, or the plan reads nothing again. */
	if ((plan->when & (CAPTURE_AT_ENTRY | CAPTURE_BEFORE)) && state->entry_used)
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
	if (job->plan.when & CAPTURE_BEFORE)
		hdr->flags |= CAPTURE_BEFORE_CALL;
	if (job->plan.kind == CAPTURE_POINTEE)
		hdr->flags |= CAPTURE_POINTED_TO;
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
	plan = &state->plan->captures[i];
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
	job.lost = !state->at_entry && (((plan->when & CAPTURE_AT_ENTRY) && !state->failed) ||
					(plan->when & CAPTURE_BEFORE));
	if (!append_capture((struct scratch *)state->buf, &job))
		return 1;
	/* Where append_capture put it: the size so far, aligned. */
	state->offset[i] = (state->size + CAPTURE_ALIGN - 1) & ~(CAPTURE_ALIGN - 1);
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
	plan = &state->plan->captures[i];
	if (plan->kind == CAPTURE_NONE)
		return 1;
	if (!is_fd_path(plan) || !condition_holds(plan, state->call->args))
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
		if (plan->arg < MAX_ARGS)
			fd = (int)state->call->args[plan->arg];
		else if (plan->arg == ARG_CWD)
			fd = AT_FDCWD;
		else
			fd = state->ret;
		barrier_var(off);
		len = fd_path(fd, plan->kind, hdr,
			      (struct fd_path_out *)(state->buf + off + sizeof(*hdr)));
		if (len > FD_PATH_END)
			len = 0;
	}
	hdr->len = len;
	state->offset[i] = off;
	state->size = off + sizeof(*hdr) + len;
	state->count++;
	return 0;
}

/* Sets up a pass's state from what the passes before it left. */
static __always_inline bool start_pass(struct capture_state *state, struct scratch *record,
				       const struct in_flight *call, const struct call_plan *plan,
				       const struct capture_progress *p)
{
	if (!record || !call || !plan || !p)
		return false;
	state->buf = record->bytes;
	state->call = call;
	state->plan = plan;
	state->ret = p->ret;
	state->size = p->size;
	state->room = p->room;
	state->faults = p->faults;
	state->count = p->count;
	state->at_entry = p->at_entry;
	state->failed = p->failed;
	state->entry_used = p->entry_used;
	__builtin_memcpy(state->offset, p->offset, sizeof(state->offset));
	return true;
}

/* Hands on what a pass did to the passes after it. */
static __always_inline void state_to_progress(struct capture_progress *p,
					      const struct capture_state *state)
{
	p->size = state->size;
	p->faults = state->faults;
	p->count = state->count;
	__builtin_memcpy(p->offset, state->offset, sizeof(p->offset));
}

/* The capture passes: over the plan's user memory captures, and over its
 * descriptors' paths. Global functions: the verifier checks each loop
 * once, from any progress, instead of once per state the code before it
 * leaves (which grows with MAX_CAPTURES). Two functions, not one with a
 * flag: a bpf_loop call whose callback varies is not inlined. */
__noinline int capture_memory(struct scratch *record, const struct in_flight *call,
			      const struct call_plan *plan, struct capture_progress *p)
{
	struct capture_state state = {};

	if (!start_pass(&state, record, call, plan, p))
		return 0;
	bpf_loop(MAX_CAPTURES, capture_one, &state, 0);
	state_to_progress(p, &state);
	return 0;
}

__noinline int capture_fd_paths(struct scratch *record, const struct in_flight *call,
				const struct call_plan *plan, struct capture_progress *p)
{
	struct capture_state state = {};

	if (!start_pass(&state, record, call, plan, p))
		return 0;
	bpf_loop(MAX_CAPTURES, capture_fd_one, &state, 0);
	state_to_progress(p, &state);
	return 0;
}

/* The inode number of the task's own pid namespace. */
static __always_inline __u32 pid_ns_inum(struct task_struct *task)
{
	struct pid *pid = task->thread_pid;
	struct upid upid = {};

	if (!pid)
		return 0;
	if (bpf_probe_read_kernel(&upid, sizeof(upid), &pid->numbers[pid->level]))
		return 0;
	return BPF_CORE_READ(upid.ns, ns.inum);
}

/* The executable's path fits whole when its header starts at or below this. */
#define EXE_LIMIT (SCRATCH_SIZE - sizeof(struct capture) - FD_PATH_END)

/*
 * --json: the path of the task's executable, `exe` (its mm->exe_file),
 * walked as -y walks a descriptor's file, as one more capture (ARG_EXE)
 * after the others. Returns whether the record carries it: not when the
 * other captures left no room for a whole path, rare, and then says so.
 */
static __always_inline bool capture_exe(struct file *exe, __u8 *buf, struct capture_progress *state)
{
	struct capture *hdr;
	__u32 len = 0;
	__u64 off, at;

	off = ((__u64)state->size + CAPTURE_ALIGN - 1) & ~(__u64)(CAPTURE_ALIGN - 1);
	if (off > SCRATCH_SIZE - sizeof(*hdr))
		return false; /* cannot happen: a header fits (see the assert) */
	barrier_var(off);
	hdr = (struct capture *)(buf + off);
	hdr->arg = ARG_EXE;
	hdr->flags = 0;
	hdr->reserved = 0;
	hdr->status = CAPTURE_NULL; /* none: a kernel thread, or an exiting task */
	/* A copy of off the compiler cannot tie to hdr's: the verifier must
	 * see this bound on the pointer the walk writes through. */
	at = off;
	barrier_var(at);
	if (at > EXE_LIMIT)
		hdr->status = CAPTURE_NO_ROOM;
	else if (exe)
		len = exe_path(hdr, (struct fd_path_out *)(buf + at + sizeof(*hdr)));
	if (len > FD_PATH_END)
		len = 0;
	hdr->len = len;
	state->size = off + sizeof(*hdr) + len;
	state->count++;
	return hdr->status != CAPTURE_NO_ROOM;
}

/* Exec replaces the memory its arguments are in: what the plan marks
 * CAPTURE_AT_ENTRY is read now, into the thread's entry storage, and put
 * in the record at exit if the call succeeded; CAPTURE_BEFORE, whatever
 * the result. */
static __always_inline void capture_at_entry(struct task_struct *task, struct in_flight *call,
					     const struct call_plan *plan)
{
	struct capture_progress state = {};
	struct entry_captures *saved;
	__u32 zero = 0;
	__u64 size;
	__u8 *buf;

	buf = bpf_map_lookup_elem(&scratch, &zero);
	if (!buf)
		return;
	saved = bpf_task_storage_get(&entry_captures, task, NULL, BPF_LOCAL_STORAGE_GET_F_CREATE);
	if (!saved) {
		__sync_fetch_and_add(&lost_in_flight, 1);
		return;
	}
	/* Laid out as they will be in the record, after its header. */
	state.size = sizeof(struct record);
	state.room = sizeof(struct record) + ENTRY_BYTES - HEADER_RESERVE;
	state.at_entry = 1;
	capture_memory((struct scratch *)buf, call, plan, &state);
	size = (__u64)state.size - sizeof(struct record);
	if (size > ENTRY_BYTES)
		size = 0;
	saved->size = size;
	saved->count = size ? state.count : 0;
	saved->faults = state.faults;
	if (size)
		__builtin_memcpy(saved->offset, state.offset, sizeof(saved->offset));
	else
		__builtin_memset(saved->offset, 0, sizeof(saved->offset));
	if (size)
		bpf_probe_read_kernel(saved->bytes, size, buf + sizeof(struct record));
}

SEC("tp_btf/sys_enter")
int BPF_PROG(sys_enter, struct pt_regs *regs, long nr)
{
	struct task_struct *task, *fields;
	struct in_flight *call;
	const struct call_plan *plan;
	bool compat;

	if (!maybe_traced(nr))
		return 0;
	task = bpf_get_current_task_btf();
	fields = fields_of(task);
	compat = fields->thread_info.status & TS_COMPAT;
	plan = compat ? &compat_plans[nr] : &native_plans[nr];
	if (!plan->call)
		return 0;
	call = admitted(task, fields);
	if (!call)
		return 0;
	read_args(regs, compat, call->args);
	if (compat && plan->split_arg < MAX_ARGS - 1)
		merge_split_arg(call->args, plan->split_arg);
	call->compat = compat;
	call->nr = nr;
	fingerprint_strings(fields, call, plan);
	if (plan->at_entry)
		capture_at_entry(task, call, plan);
	call->enter_ns = times ? bpf_ktime_get_ns() : 0;
	call->resumed = 0;
	call->active = 1;
	return 0;
}

/* SIGKILL, exit_group and another thread's exec all queue SIGKILL to every
 * thread they end: such a thread leaves the call only to die, and strace,
 * never seeing the call's end, prints "= ?". A fatal signal without a
 * handler (SIGTERM) is promoted to SIGKILL the same way, but not under
 * ptrace, where strace sees the call end: group_exit_code holds that
 * signal, and the call keeps its result. */
static __always_inline bool dying(struct task_struct *task)
{
	struct signal_struct *signal = task->signal;
	int killed_by = signal->group_exit_code & 0x7f;

	if ((signal->flags & SIGNAL_GROUP_EXIT) && killed_by && killed_by != SIGKILL)
		return false;
	return (task->pending.signal.sig[0] & (1UL << (SIGKILL - 1))) ||
	       (signal->flags & SIGNAL_GROUP_EXIT);
}

/*
 * -P, second pass, on the captured call: whether it touches one of
 * trace_paths. Each candidate path (a descriptor's, a path argument,
 * resolved against its dirfd or the cwd when relative) is hashed byte by byte with FNV-1a and compared with the
 * paths' hashes: in full at its end, and for the prefix ones after each
 * '/'. A hash match is only likely: user space checks the bytes, so a
 * collision can never print a call that does not match.
 */

#define FNV_OFFSET 0xcbf29ce484222325ULL
#define FNV_PRIME 0x100000001b3ULL

struct path_hash {
	const struct scratch *record;
	__u32 start, end;  /* the record's bytes to hash next: [start..end) */
	__u32 pos;	   /* bytes hashed so far, over every piece */
	__u64 hash;
	bool hit;	   /* a prefix path matched */
	__u8 dots;	   /* the current component: how many dots, 3 when more */
	bool dotdot;	   /* a ".." component was seen */
};

static __always_inline bool prefix_hit(const struct path_hash *m)
{
	for (int k = 0; k < MAX_TRACE_PATHS; k++) {
		if (k >= trace_path_count)
			break;
		if (trace_paths[k].prefix && trace_paths[k].len == m->pos &&
		    trace_paths[k].hash == m->hash)
			return true;
	}
	return false;
}

static __always_inline bool whole_hit(const struct path_hash *m)
{
	for (int k = 0; k < MAX_TRACE_PATHS; k++) {
		if (k >= trace_path_count)
			break;
		if (!trace_paths[k].prefix && trace_paths[k].len == m->pos &&
		    trace_paths[k].hash == m->hash)
			return true;
	}
	return false;
}

static __always_inline void hash_one(struct path_hash *m, __u8 b)
{
	m->hash = (m->hash ^ b) * FNV_PRIME;
	m->pos++;
	if (b == '/') {
		if (m->dots == 2)
			m->dotdot = true;
		m->dots = 0;
		if (prefix_hit(m))
			m->hit = true;
	} else {
		m->dots = b == '.' && m->dots < 2 ? m->dots + 1 : 3;
	}
}

/* bpf_loop callback: hashes byte start + i. */
static long hash_byte(__u64 i, struct path_hash *m)
{
	__u32 at = m->start + i;

	if (at >= m->end || at >= SCRATCH_SIZE)
		return 1;
	hash_one(m, m->record->bytes[at & (SCRATCH_SIZE - 1)]);
	return 0;
}

static __always_inline void hash_piece(struct path_hash *m, __u32 start, __u32 end)
{
	m->start = start;
	m->end = end;
	if (start < end)
		bpf_loop(end - start, hash_byte, m, 0);
	if (m->dots == 2)
		m->dotdot = true;
}

/* Whether the record's bytes [off..off + len), after [base..base + base_len)
 * and a '/' when base_len is set (and not the root), name one of
 * trace_paths: whole, or beneath a prefix one unless a ".." component may
 * lead out of it. A global function: the verifier checks its loops once,
 * not once per state of its callers. */
__noinline int names_trace_path(const struct scratch *record, __u32 base, __u32 base_len,
				__u32 off, __u32 len)
{
	struct path_hash m = { .record = record, .hash = FNV_OFFSET };

	if (!record)
		return 0;
	if (base_len) {
		hash_piece(&m, base, base + base_len);
		if (base_len != 1)
			hash_one(&m, '/');
	}
	hash_piece(&m, off, off + len);
	return whole_hit(&m) || (m.hit && !m.dotdot);
}

/* Where the record's captures are, and what relative paths are relative to. */
struct capture_layout {
	struct capture_offsets offsets;
	__u32 base; /* where the DIRFD_PATH capture's bytes start, or 0 */
	__u32 base_len;
};

/* What touches_trace_path works on, shared across bpf_loop iterations. */
struct selection {
	const struct scratch *record;
	const struct in_flight *call;
	const struct call_plan *plan;
	struct capture_layout layout;
	bool hit;
};

/* Capture i's header, or NULL when the record lacks it. */
static __always_inline struct capture *capture_at(const struct scratch *record,
						  const struct capture_offsets *offsets, __u64 i)
{
	__u64 off;

	if (i >= MAX_CAPTURES)
		return NULL;
	off = offsets->at[i];
	if (!off || off > CAPTURE_LIMIT)
		return NULL;
	barrier_var(off);
	return (struct capture *)(record->bytes + off);
}

/* Whether capture i names one of trace_paths. A global function: the
 * verifier checks it once, not once per state of the loop. */
__noinline int capture_names_trace_path(const struct scratch *record, const struct in_flight *call,
					const struct call_plan *plan,
					const struct capture_layout *layout, __u32 i)
{
	const struct capture_offsets *offsets = &layout->offsets;
	const struct capture_plan *cp;
	struct capture *hdr;
	const __u8 *data;
	__u32 len, off, start = 0;

	if (!record || !call || !plan || !layout || i >= MAX_CAPTURES)
		return 0;
	hdr = capture_at(record, offsets, i);
	if (!hdr) /* not taken (an output of a failed call) */
		return 0;
	cp = &plan->captures[i];
	len = hdr->len;
	data = (const __u8 *)(hdr + 1);
	if (cp->match_as == MATCH_NONE || hdr->status != CAPTURE_OK || !len || len >= FD_PATH_END)
		return 0;
	if (cp->match_as == MATCH_FD && cp->kind == CAPTURE_DIRFD_PATH && cp->arg < MAX_ARGS &&
	    (int)call->args[cp->arg] == AT_FDCWD)
		return 0;
	off = offsets->at[i] + sizeof(*hdr);
	/* The text as it is, as strace compares it. */
	if (names_trace_path(record, 0, 0, off, len))
		return 1;
	if (cp->match_as == MATCH_FD || data[0] == '/' || !layout->base_len)
		return 0;
	/* Relative: after the directory, without its leading "./". */
	for (int k = 0; k < 8; k++) {
		if (start + 1 < len && data[start & (FD_PATH_END - 1)] == '.' &&
		    data[(start + 1) & (FD_PATH_END - 1)] == '/')
			start += 2;
	}
	return names_trace_path(record, layout->base, layout->base_len, off + start, len - start);
}

/* bpf_loop callback: whether capture i names one of trace_paths. */
static long select_one(__u64 i, struct selection *sel)
{
	if (i >= MAX_CAPTURES || sel->plan->captures[i].kind == CAPTURE_NONE)
		return 1;
	if (!capture_names_trace_path(sel->record, sel->call, sel->plan, &sel->layout, i))
		return 0;
	sel->hit = true;
	return 1;
}

/* bpf_loop callback: takes the first directory captured whole as what
 * relative path arguments are relative to. */
static long find_base(__u64 i, struct selection *sel)
{
	struct capture *hdr = capture_at(sel->record, &sel->layout.offsets, i);

	if (i >= MAX_CAPTURES)
		return 1;
	if (!hdr || sel->plan->captures[i].kind != CAPTURE_DIRFD_PATH ||
	    hdr->status != CAPTURE_OK || hdr->len >= FD_PATH_END)
		return 0;
	sel->layout.base = sel->layout.offsets.at[i] + sizeof(*hdr);
	sel->layout.base_len = hdr->len;
	return 1;
}

/* A global function: the verifier checks it once, apart from the many
 * states of the capture loops before it. */
__noinline int touches_trace_path(struct scratch *scratch, const struct in_flight *call,
				  const struct call_plan *plan, const struct capture_offsets *offsets)
{
	struct selection sel = {};

	if (!scratch || !call || !plan || !offsets)
		return 0;
	sel.record = scratch;
	sel.call = call;
	sel.plan = plan;
	sel.layout.offsets = *offsets;
	bpf_loop(MAX_CAPTURES, find_base, &sel, 0);
	bpf_loop(MAX_CAPTURES, select_one, &sel, 0);
	return sel.hit;
}

/*
 * -P, first pass: whether a call may touch one of trace_paths, decided
 * before anything is captured, from what costs little: the first and last
 * bytes of each path argument, and the names of the dentries behind each
 * descriptor. It never turns away a call that touches one; the few it
 * lets through wrongly are dropped by touches_trace_path once captured.
 * Without it, every call paid for walks and a hash of every byte.
 */

/* The text of trace_paths[k], set before load; 8 bytes of slack for the
 * word loads at its end. */
struct trace_path_text {
	__u8 bytes[FD_PATH_END + 8];
};
struct trace_path_text trace_path_texts[MAX_TRACE_PATHS] = {};

struct prefilter_buf {
	__u8 arg[FD_PATH_END + 8];  /* a path argument */
	__u8 name[FD_PATH_END + 8]; /* a dentry's name */
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct prefilter_buf);
} prefilter_buf SEC(".maps");

static __always_inline __u64 word_at(const __u8 *bytes, __u32 off)
{
	barrier_var(off);
	return *(const __u64 *)(bytes + (off & (FD_PATH_END - 1)));
}

/* Whether a[ao..ao+n) and b[bo..bo+n) agree in their first and last 8
 * bytes: all of them when n <= 8. */
static __always_inline bool ends_alike(const __u8 *a, __u32 ao, const __u8 *b, __u32 bo, __u32 n)
{
	if (n < 8) {
		__u64 mask = (1ULL << ((n & 7) * 8)) - 1;

		return !((word_at(a, ao) ^ word_at(b, bo)) & mask);
	}
	return word_at(a, ao) == word_at(b, bo) &&
	       word_at(a, ao + n - 8) == word_at(b, bo + n - 8);
}

/* What name_form compares with the trace paths' last components ("b" of
 * "/a/b" and of the prefix "/a/b/"; empty for "/"). */
struct name_match {
	const unsigned char *name; /* kernel memory, read into buf if needed */
	__u8 *buf;
	__u32 len;
	bool read;
	bool leaf; /* the file's own name: whole paths too, not only prefixes */
	bool hit;
};

/* bpf_loop callback: whether trace path k's file could bear this name.
 * The name is read only when a length matches. */
static long name_form(__u64 k, struct name_match *m)
{
	const struct trace_path *tp = &trace_paths[k & (MAX_TRACE_PATHS - 1)];

	if ((!m->leaf && !tp->prefix) || tp->last_len != m->len)
		return 0;
	if (!m->read) {
		m->read = true;
		if (m->len > NAME_MAX ||
		    bpf_probe_read_kernel(m->buf, m->len & NAME_MAX, m->name)) {
			m->hit = true; /* cannot tell: let the second pass judge */
			return 1;
		}
	}
	m->hit = ends_alike(m->buf, 0, trace_path_texts[k & (MAX_TRACE_PATHS - 1)].bytes,
			    tp->last_start, m->len);
	return m->hit;
}

/* Whether a name of len bytes may be a trace path's last component; a
 * name longer than any the kernel gives cannot be told, so it may. */
static __always_inline bool length_named(const __u64 *lengths, __u32 len)
{
	return len > NAME_MAX || (lengths[(len / 64) & 3] >> (len % 64)) & 1;
}

enum ancestry_step {
	ANCESTOR_NEXT = 0, /* go on to the parent */
	ANCESTOR_END = 1,  /* at the root: no name matched */
	ANCESTOR_HIT = 2,  /* a name matched */
};

/* One step of names_alike: the current dentry, or one mount crossed.
 * Without compare, a name of a trace path's length counts as a hit. */
static __always_inline int ancestor_step(struct ancestry *a, struct name_match *m, bool compare)
{
	struct dentry *parent;

	switch (climb(a)) {
	case CLIMB_ROOT:
		return ANCESTOR_END;
	case CLIMB_MOUNT:
		return ANCESTOR_NEXT;
	}
	m->len = a->dentry->d_name.len;
	if (length_named(m->leaf ? last_lengths : prefix_last_lengths, m->len)) {
		if (!compare)
			return ANCESTOR_HIT;
		m->name = a->dentry->d_name.name;
		m->read = false;
		bpf_loop(trace_path_count, name_form, m, 0);
		if (m->hit)
			return ANCESTOR_HIT;
	}
	m->leaf = false;
	parent = a->dentry->d_parent;
	if (parent == a->dentry)
		return ANCESTOR_END;
	a->dentry = parent;
	return ANCESTOR_NEXT;
}

/* Whether dentry (or, for the prefix paths, one of its ancestors up to
 * the task's root) has the name a trace path's file would have. */
static __always_inline bool names_alike(struct task_struct *task, struct dentry *dentry,
					struct vfsmount *vfs, struct prefilter_buf *pb)
{
	const struct ancestry start = ancestry_of(task, dentry, vfs);
	struct ancestry a = start;
	struct name_match m = { .buf = pb->name, .leaf = true };
	int step, at = ANCESTOR_NEXT;

	/* First the lengths alone, in a plain loop (as capture_file_path's
	 * walk): most paths are shallow and have none of a trace path's
	 * lengths. Otherwise, the walk again, comparing names. */
	for (step = 0; step < QUICK_STEPS && at == ANCESTOR_NEXT; step++)
		at = ancestor_step(&a, &m, false);
	if (at != ANCESTOR_END) {
		a = start;
		m.leaf = true;
		bpf_for(step, 0, FD_PATH_STEPS) {
			at = ancestor_step(&a, &m, true);
			if (at != ANCESTOR_NEXT)
				break;
		}
		if (at == ANCESTOR_HIT)
			return true;
	}
	/* The root itself: the paths "/" and "/" as a prefix, whose last
	 * component is empty, name it. */
	if (!length_named(last_lengths, 0))
		return false;
	m.len = 0;
	m.read = true;
	m.leaf = true;
	bpf_loop(trace_path_count, name_form, &m, 0);
	return m.hit;
}

/* The dentry and mount of the file behind descriptor fd. */
static __always_inline bool fd_dentry(struct task_struct *task, long fd, struct dentry **dentry,
				      struct vfsmount **vfs)
{
	struct file *file;

	if (fd < 0 || fd > 0x7fffffff)
		return false;
	file = fd_file(task, fd);
	if (!file)
		return false;
	*dentry = file->f_path.dentry;
	*vfs = file->f_path.mnt;
	return *dentry && *vfs;
}

/* Whether the path argument pb->arg[0..n) may name trace_paths[k]: as it
 * is, or, when relative, appended to its directory's path. A relative one
 * against a prefix path is let through: where the directory's path ends
 * inside the prefix is not known before the walk. Global, as
 * names_trace_path. */
__noinline int arg_alike(const struct prefilter_buf *pb, __u32 k, __u32 n)
{
	const struct trace_path *tp = &trace_paths[k & (MAX_TRACE_PATHS - 1)];
	const __u8 *t = trace_path_texts[k & (MAX_TRACE_PATHS - 1)].bytes;
	const __u8 *s;
	__u32 len = tp->len;

	if (!pb)
		return 0;
	s = pb->arg;
	if (len > FD_PATH_MAX || n > FD_PATH_MAX)
		return false;
	if (tp->prefix ? n >= len && ends_alike(s, 0, t, 0, len)
		       : n == len && ends_alike(s, 0, t, 0, n))
		return true;
	if (s[0] == '/')
		return false;
	if (tp->prefix || (s[0] == '.' && s[1 & (FD_PATH_END - 1)] == '/'))
		return true;
	/* A whole path ends with "/" and the argument. */
	return len > n && t[(len - n - 1) & (FD_PATH_END - 1)] == '/' &&
	       ends_alike(s, 0, t, len - n, n);
}

/* What arg_form compares with the trace paths. */
struct arg_match {
	const struct prefilter_buf *pb; /* the argument is pb->arg */
	__u32 len;
	bool hit;
};

/* bpf_loop callback: whether the argument may name trace path k. */
static long arg_form(__u64 k, struct arg_match *m)
{
	m->hit = arg_alike(m->pb, k, m->len);
	return m->hit;
}

/* Whether the file behind descriptor fd may be one of trace_paths or
 * beneath one. Global, as names_trace_path. */
__noinline int fd_may_name_trace_path(long fd)
{
	struct task_struct *task = fields_of(bpf_get_current_task_btf());
	struct prefilter_buf *pb;
	struct dentry *dentry;
	struct vfsmount *vfs;
	__u32 zero = 0;

	pb = bpf_map_lookup_elem(&prefilter_buf, &zero);
	if (!pb)
		return 1;
	return fd_dentry(task, fd, &dentry, &vfs) && names_alike(task, dentry, vfs, pb);
}

/* The first bytes of an absolute path argument, read apart: a copy to the
 * stack of a fixed size costs far less than the whole string's, and
 * tells most arguments from every trace path. */
struct head_match {
	__u64 head[2];
	bool hit;
};

/* bpf_loop callback: whether an absolute argument starting with m->head
 * may name trace path k, whole or beneath it: it starts with the trace
 * path's first bytes (a shorter one has its NUL where the path has none). */
static long head_form(__u64 k, struct head_match *m)
{
	const struct trace_path *tp = &trace_paths[k & (MAX_TRACE_PATHS - 1)];
	const __u8 *t = trace_path_texts[k & (MAX_TRACE_PATHS - 1)].bytes;
	__u32 n = tp->len < sizeof(m->head) ? tp->len : sizeof(m->head);
	__u64 mask0 = n >= 8 ? ~0ULL : (1ULL << (n * 8)) - 1;
	__u64 mask1 = n >= 16 ? ~0ULL : n <= 8 ? 0 : (1ULL << ((n - 8) * 8)) - 1;

	m->hit = !((m->head[0] ^ word_at(t, 0)) & mask0) && !((m->head[1] ^ word_at(t, 8)) & mask1);
	return m->hit;
}

/* Whether the path argument at user address uptr may name one of
 * trace_paths. Global, as names_trace_path. */
__noinline int arg_may_name_trace_path(__u64 uptr)
{
	struct head_match h = {};
	struct arg_match m = {};
	struct prefilter_buf *pb;
	__u32 zero = 0;
	long len;

	/* An argument that ends within 16 bytes of the end of its mapping
	 * cannot be read so: the whole string is, below. */
	if (!bpf_probe_read_user(h.head, sizeof(h.head), (void *)uptr)) {
		if (!(h.head[0] & 0xff))
			return 0; /* empty */
		if ((h.head[0] & 0xff) == '/') {
			bpf_loop(trace_path_count, head_form, &h, 0);
			if (!h.hit)
				return 0;
		}
	}
	pb = bpf_map_lookup_elem(&prefilter_buf, &zero);
	if (!pb)
		return 1;
	len = bpf_probe_read_user_str(pb->arg, FD_PATH_END, (void *)uptr);
	if (len <= 1)
		return 0;
	m.pb = pb;
	m.len = len - 1;
	bpf_loop(trace_path_count, arg_form, &m, 0);
	return m.hit;
}

/* What candidate works on, shared across bpf_loop iterations. */
struct candidates {
	const struct in_flight *call;
	const struct call_plan *plan;
	long ret;
	bool hit;
};

/* Whether capture i of the plan may name a trace path. A global function:
 * the verifier checks it once, not once per state of the loop. */
__noinline int capture_may_name_trace_path(const struct in_flight *call,
					   const struct call_plan *plan, __u32 i, long ret)
{
	const struct capture_plan *cp;
	long fd;

	if (!call || !plan || i >= MAX_CAPTURES)
		return 0;
	cp = &plan->captures[i];
	if (!condition_holds(cp, call->args))
		return 0;
	if (cp->match_as == MATCH_FD) {
		fd = cp->arg < MAX_ARGS ? (int)call->args[cp->arg] : ret;
		return fd != AT_FDCWD && fd_may_name_trace_path(fd);
	}
	if (cp->match_as != MATCH_PATH || cp->arg >= MAX_ARGS || !call->args[cp->arg])
		return 0;
	/* A successful exec's arguments are gone with its old memory: let
	 * the second pass judge what entry read of them. */
	if ((cp->when & CAPTURE_AT_ENTRY) && !(ret < 0 && ret >= -4095))
		return 1;
	return arg_may_name_trace_path(call->args[cp->arg]);
}

/* bpf_loop callback: whether capture i of the plan may name a trace path. */
static long candidate(__u64 i, struct candidates *c)
{
	if (i >= MAX_CAPTURES || c->plan->captures[i].kind == CAPTURE_NONE)
		return 1;
	c->hit = capture_may_name_trace_path(c->call, c->plan, i, c->ret);
	return c->hit;
}

static __always_inline bool may_touch_trace_path(const struct in_flight *call,
						 const struct call_plan *plan, long ret)
{
	struct candidates c = { .call = call, .plan = plan, .ret = ret };

	bpf_loop(MAX_CAPTURES, candidate, &c, 0);
	return c.hit;
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
static __always_inline void emit(struct task_struct *task, struct in_flight *call,
				 const struct call_plan *plan, long ret,
				 struct entry_captures *saved)
{
	struct capture_progress state = {};
	struct record *rec;
	struct file *exe = NULL;
	bool exe_sent = false;
	__u64 size, flags, exec_id = 0;
	__u32 zero = 0;
	__u8 *buf;

	buf = bpf_map_lookup_elem(&scratch, &zero);
	if (!buf)
		return;

	rec = (struct record *)buf;
	rec->enter_ns = call->enter_ns;
	rec->exit_ns = times ? bpf_ktime_get_ns() : 0;
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
	rec->cgroup_id = bpf_get_current_cgroup_id();
	rec->call = plan->call;
	rec->flags = call->compat ? RECORD_COMPAT : 0;
	if (call->resumed)
		rec->flags |= RECORD_RESUMED;
	if (dying(task))
		rec->flags |= RECORD_DYING;
	bpf_get_current_comm(rec->comm, sizeof(rec->comm));
	rec->pid_ns = 0;
	rec->mnt_ns = 0;

	state.ret = ret;
	state.size = sizeof(*rec);
	state.room = SCRATCH_SIZE - HEADER_RESERVE;
	state.failed = ret < 0 && ret >= -4095;
	/* A failed call's CAPTURE_AT_ENTRY captures are read again, as it
	 * left them; CAPTURE_BEFORE ones are what they were. */
	if (saved && (!state.failed || !(plan->at_entry & CAPTURE_AT_ENTRY))) {
		size = saved->size;
		if (size <= ENTRY_BYTES && saved->count <= MAX_CAPTURES &&
		    !bpf_probe_read_kernel(buf + sizeof(*rec), size, saved->bytes)) {
			state.size += size;
			state.count = saved->count;
			state.faults = saved->faults;
			state.entry_used = 1;
			__builtin_memcpy(state.offset, saved->offset, sizeof(state.offset));
		}
	}
	capture_memory((struct scratch *)buf, call, plan, &state);
	/* Plans name descriptors only with -y or -P. */
	if (name_files)
		capture_fd_paths((struct scratch *)buf, call, plan, &state);
	if (state.faults)
		__sync_fetch_and_add(&capture_faults, state.faults);
	if (trace_path_count &&
	    !touches_trace_path((struct scratch *)buf, call, plan,
				(struct capture_offsets *)state.offset))
		return;
	if (task_details) {
		/* Two helper calls, once per thread: a task never leaves its
		 * pid namespace. */
		if (!call->pid_ns)
			call->pid_ns = pid_ns_inum(task);
		rec->pid_ns = call->pid_ns;
		rec->mnt_ns = task->nsproxy->mnt_ns->ns.inum;
		/* The path only when the thread has not sent it: a new thread,
		 * an exec (counted, so a struct file at a reused address is not
		 * taken for the old one), or a record that did not get out. */
		exe = task->mm->exe_file;
		exec_id = task->self_exec_id + 1;
		if ((__u64)exe != call->exe_file || exec_id != call->exe_exec_id)
			exe_sent = capture_exe(exe, buf, &state);
	}
	rec->captures = state.count;
	size = state.size;
	/* Check and use the same register, not two copies of state.size. */
	barrier_var(size);
	if (size > SCRATCH_SIZE)
		return;

	flags = bpf_ringbuf_query(&events, BPF_RB_AVAIL_DATA) >= wakeup_bytes
			? BPF_RB_FORCE_WAKEUP
			: BPF_RB_NO_WAKEUP;
	if (bpf_ringbuf_output(&events, buf, size, flags)) {
		__sync_fetch_and_add(&lost_records, 1);
	} else if (exe_sent) {
		call->exe_file = (__u64)exe;
		call->exe_exec_id = exec_id;
	}
}

SEC("tp_btf/sys_exit")
int BPF_PROG(sys_exit, struct pt_regs *regs, long ret)
{
	struct task_struct *task, *fields;
	struct entry_captures *saved = NULL;
	const struct call_plan *plan;
	struct in_flight *call;

	/* Calls no plan traces (a traced process's close, read, ...) end with
	 * one table load, before any helper. */
	if (!maybe_traced(regs->orig_ax))
		return 0;
	task = bpf_get_current_task_btf();
	fields = fields_of(task);
	/* Threads that never made a traced call have no storage: the common
	 * case for every syscall of every other process, told by one load. */
	if (bpf_core_field_exists(fields->bpf_storage) && !fields->bpf_storage)
		return 0;
	call = bpf_task_storage_get(&in_flight, task, NULL, 0);
	if (!call || !call->active)
		return 0;
	call->active = 0;
	/* Set by user space for a call blocked at attach: if that call ended
	 * before, this is another, untraced one. */
	if (call->resumed && regs->orig_ax != call->nr)
		return 0;
	plan = plan_of(call);
	if (plan->at_entry)
		saved = bpf_task_storage_get(&entry_captures, task, NULL, 0);

	if (wanted_result(ret) && (!trace_path_count || may_touch_trace_path(call, plan, ret)))
		emit(fields, call, plan, ret, saved);
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
		if (filter_threads && trace_allowed(fields_of(parent)))
			bpf_map_update_elem(&thread_targets, &tid, &one, BPF_NOEXIST);
		return 0;
	}
	if (!trace_allowed(fields_of(parent)))
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
	if (fields_of(task)->signal->live.counter != 0)
		return 0;
	tgid = task->tgid;
	bpf_map_delete_elem(&targets, &tgid);
	return 0;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
