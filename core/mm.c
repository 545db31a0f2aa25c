// SPDX-License-Identifier: MIT
/*
 * mm.c - mm_struct, CPUs and lazy TLB (kernel/fork.c mm_init/mmput/__mmdrop,
 * kernel/sched/core.c context_switch/finish_task_switch,
 * include/linux/sched/mm.h).
 *
 *   mm_users: tasks using the address space (CLONE_VM shares it); at 0
 *     exit_mmap() runs and the users' collective mm_count reference goes.
 *   mm_count: that collective reference, plus lazy-TLB borrowers with
 *     CONFIG_MMU_LAZY_TLB_REFCOUNT: a kernel thread or the idle task keeps
 *     the previous task's mm as active_mm, and an exiting task grabs its own
 *     mm in exit_mm() because it runs on it until its last switch.  At 0,
 *     __mmdrop() drops mm->user_ns: a P reference, never an A one.
 *   With CONFIG_MMU_LAZY_TLB_SHOOTDOWN the lazy grabs are no-ops, and
 *     __mmdrop() sends an IPI to every CPU still using the mm lazily.
 */
#include "core-private.h"

struct mm *mm_alloc(struct world *w, struct ns *user_ns, const char *site)
{
	struct mm *mm = g_new0(struct mm, 1);

	mm->id = ++w->next_id[OBJ_MM];
	mm->link.data = mm;
	counter_setup(&mm->users, OBJ_MM, CTR_USERS, mm->id, false);
	counter_setup(&mm->count, OBJ_MM, CTR_MM_COUNT, mm->id, false);
	g_queue_push_tail_link(&w->mms, &mm->link);
	ref_init(w, &mm->users, 1, site);
	ref_init(w, &mm->count, 1, site);
	mm->user_ns = user_ns;
	ns_ref_inc(w, user_ns, "mm_init");
	return mm;
}

void mmget(struct world *w, struct mm *mm)
{
	ref_inc(w, &mm->users, "mmget");
}

static void __mmdrop(struct world *w, struct mm *mm)
{
	struct ns *user_ns = mm->user_ns;

	if (w->cfg.lazy_tlb == NSS_LAZY_TLB_SHOOTDOWN) {
		/* cleanup_lazy_tlbs(): every CPU still borrowing it gets an IPI. */
		for (unsigned int i = 0; i < w->nr_cpus; i++) {
			if (w->cpus[i].idle_mm == mm) {
				w->cpus[i].idle_mm = NULL;
				w->cpus[i].shootdown_ipis++;
			}
		}
	}
	g_queue_unlink(&w->mms, &mm->link);
	g_free(mm);
	ns_ref_put(w, user_ns, "__mmdrop");
}

void mmdrop(struct world *w, struct mm *mm, const char *site)
{
	if (ref_dec_and_test(w, &mm->count, site))
		__mmdrop(w, mm);
}

void mmput(struct world *w, struct mm *mm)
{
	if (ref_dec_and_test(w, &mm->users, "mmput"))
		mmdrop(w, mm, "mmput");   /* after exit_mmap() */
}

void mmgrab_lazy_tlb(struct world *w, struct mm *mm)
{
	if (w->cfg.lazy_tlb == NSS_LAZY_TLB_REFCOUNT)
		ref_inc(w, &mm->count, "mmgrab_lazy_tlb");
}

void mmdrop_lazy_tlb(struct world *w, struct mm *mm)
{
	if (w->cfg.lazy_tlb == NSS_LAZY_TLB_REFCOUNT)
		mmdrop(w, mm, "mmdrop_lazy_tlb");
}

/*
 * context_switch() from whatever runs on the CPU to @next (NULL: the idle
 * task).  A user task switching to idle lends it its mm (mmgrab_lazy_tlb);
 * an exiting task, which has no mm any more, hands over the reference its
 * exit_mm() grabbed; idle switching to a user task drops the borrowed mm in
 * finish_task_switch().  User to user switches move no counter.  With
 * shootdown the borrow is tracked (for the IPIs) but not counted.
 */
static void context_switch(struct world *w, struct cpu *cpu, struct task *next)
{
	struct task *prev = cpu->curr;
	struct mm *borrowed = NULL;

	if (prev == next)
		return;
	if (prev && !prev->mm) {
		borrowed = prev->active_mm;   /* exiting: its exit_mm() grab */
		prev->active_mm = NULL;
	} else if (!prev) {
		borrowed = cpu->idle_mm;
		cpu->idle_mm = NULL;
	}
	cpu->curr = next;
	if (!next) {
		if (prev && prev->mm) {
			mmgrab_lazy_tlb(w, prev->active_mm);
			borrowed = prev->active_mm;
		}
		cpu->idle_mm = borrowed;      /* the idle task keeps it lazily */
		return;
	}
	if (borrowed)
		mmdrop_lazy_tlb(w, borrowed);    /* finish_task_switch() */
}

void sched_run(struct world *w, struct task *t)
{
	struct cpu *cpu = &w->cpus[t->cpu % w->nr_cpus];

	w->cur_cpu = cpu->id;
	context_switch(w, cpu, t);
}

void sched_task_dead(struct world *w, struct task *t)
{
	struct cpu *cpu = &w->cpus[t->cpu % w->nr_cpus];

	sched_run(w, t);
	context_switch(w, cpu, NULL);
}
