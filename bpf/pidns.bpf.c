// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Pid translation for a ftrace-cli that runs inside a pid namespace. Its
 * /proc shows only that namespace's numbers, while the tracer filters on
 * the kernel's (init namespace) ids; this program, run once per pid through
 * BPF_PROG_TEST_RUN in ftrace-cli's own context, looks a namespace-local
 * pid up as the caller's namespace sees it and answers with the kernel's
 * ids. A pid outside the namespace is not found, by construction.
 */
#include "kernel_types.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include "record.h"

struct task_struct *bpf_task_from_vpid(__s32 vpid) __ksym;
void bpf_task_release(struct task_struct *p) __ksym;

/* Dummy instance so that the skeleton carries the type to Rust. */
struct pid_query _pid_query = {};
enum pid_flags _pid_flags = 0;

SEC("syscall")
int resolve(struct pid_query *query)
{
	struct task_struct *task = bpf_task_from_vpid(query->vpid);
	struct upid upid = {};
	struct pid *pid;

	query->flags = 0;
	if (!task)
		return 0;
	query->flags = PID_FOUND;
	query->tid = task->pid;
	query->tgid = task->tgid;
	if (task->flags & PF_KTHREAD)
		query->flags |= PID_KTHREAD;
	pid = task->thread_pid;
	if (pid) {
		/* The namespace the task lives in: that of its deepest number. */
		query->level = pid->level;
		bpf_probe_read_kernel(&upid, sizeof(upid), &pid->numbers[query->level]);
		query->inum = BPF_CORE_READ(upid.ns, ns.inum);
	}
	bpf_task_release(task);
	return 0;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
