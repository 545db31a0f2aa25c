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
	ns_hold(w, user_ns, 1, 0);
	mm->dumpable = SUID_DUMP_USER;
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
				w->cpus[i].idle_mm = NULL;   /* switched to init_mm */
				atomic_add_return_ctr(w, &w->cpus[i].ipis, 1, "cleanup_lazy_tlbs");
			}
		}
	}
	g_queue_unlink(&w->mms, &mm->link);
	ns_hold(w, user_ns, -1, 0);
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

/* An online CPU for a task whose CPU went offline: the next one up. */
static unsigned int online_cpu(struct world *w, unsigned int from)
{
	for (unsigned int i = 0; i < w->nr_cpus; i++) {
		unsigned int c = (from + i) % w->nr_cpus;

		if (w->cpus[c].online)
			return c;
	}
	return 0;
}

void sched_run(struct world *w, struct task *t)
{
	struct cpu *cpu;

	if (!w->cpus[t->cpu % w->nr_cpus].online)
		t->cpu = online_cpu(w, t->cpu);
	cpu = &w->cpus[t->cpu % w->nr_cpus];
	w->cur_cpu = cpu->id;
	context_switch(w, cpu, t);
}

/* wake_up_new_task(): a new task goes to the next online CPU in turn. */
unsigned int sched_fork_cpu(struct world *w, struct task *parent)
{
	if (w->nr_cpus == 1)
		return 0;
	w->next_cpu = online_cpu(w, (w->next_cpu + 1) % w->nr_cpus);
	return w->next_cpu;
}

/* A task stops running on its CPU (it blocks, or migrates away). */
static void deschedule(struct world *w, struct task *t)
{
	struct cpu *cpu = &w->cpus[t->cpu % w->nr_cpus];

	if (cpu->curr == t)
		context_switch(w, cpu, NULL);
}

static struct task *live_task(struct world *w, uint64_t id)
{
	struct task *t = task_lookup(w, id);

	return t && t->state == TASK_RUNNING ? t : NULL;
}

int sched_run_on(struct world *w, uint64_t task, unsigned int cpu)
{
	struct task *t;

	event_begin(w, "sched_switch", 0, (int64_t)task, cpu, 0);
	t = live_task(w, task);
	if (!t)
		return event_end(w, -ESRCH);
	if (cpu >= w->nr_cpus || !w->cpus[cpu].online)
		return event_end(w, -EINVAL);
	if (t->cpu != cpu) {
		deschedule(w, t);
		t->cpu = cpu;
	}
	sched_run(w, t);
	return event_end(w, 0);
}

int sched_block(struct world *w, uint64_t task)
{
	struct task *t;

	event_begin(w, "sched_block", 0, (int64_t)task, 0, 0);
	t = live_task(w, task);
	if (!t)
		return event_end(w, -ESRCH);
	deschedule(w, t);
	return event_end(w, 0);
}

int sched_cpu_idle(struct world *w, unsigned int cpu)
{
	event_begin(w, "cpu_idle", 0, cpu, 0, 0);
	if (cpu >= w->nr_cpus || !w->cpus[cpu].online)
		return event_end(w, -EINVAL);
	w->cur_cpu = cpu;
	context_switch(w, &w->cpus[cpu], NULL);
	return event_end(w, 0);
}

/*
 * takedown_cpu(): the dying CPU's tasks move to the other CPUs, and its
 * idle task drops the mm it borrowed (idle_task_exit -> mmdrop_lazy_tlb).
 */
int sched_cpu_offline(struct world *w, unsigned int cpu)
{
	struct cpu *c;
	unsigned int online = 0;

	event_begin(w, "cpu_offline", 0, cpu, 0, 0);
	if (cpu >= w->nr_cpus || !w->cpus[cpu].online)
		return event_end(w, -EINVAL);
	for (unsigned int i = 0; i < w->nr_cpus; i++)
		online += w->cpus[i].online;
	if (online == 1)
		return event_end(w, -EBUSY);
	c = &w->cpus[cpu];
	w->cur_cpu = cpu;
	context_switch(w, c, NULL);
	c->online = false;
	if (c->idle_mm) {
		struct mm *mm = c->idle_mm;

		c->idle_mm = NULL;
		mmdrop_lazy_tlb(w, mm);
	}
	for (GList *l = w->tasks.head; l; l = l->next) {
		struct task *t = l->data;

		if (t->cpu == cpu)
			t->cpu = online_cpu(w, cpu);
	}
	return event_end(w, 0);
}

int sched_cpu_online(struct world *w, unsigned int cpu)
{
	event_begin(w, "cpu_online", 0, cpu, 0, 0);
	if (cpu >= w->nr_cpus || w->cpus[cpu].online)
		return event_end(w, -EINVAL);
	w->cpus[cpu].online = true;
	return event_end(w, 0);
}

bool nss_cpu_info(const struct world *w, unsigned int cpu, struct nss_cpu_info *out)
{
	const struct cpu *c;

	if (cpu >= w->nr_cpus)
		return false;
	c = &w->cpus[cpu];
	*out = (struct nss_cpu_info){
		.id = cpu, .online = c->online, .curr = c->curr ? c->curr->id : 0,
		.lazy_mm = c->idle_mm ? c->idle_mm->id : 0, .ipis = (uint64_t)c->ipis.val,
	};
	return true;
}

unsigned int world_cpus(const struct world *w)
{
	return w->nr_cpus;
}

int nss_task_cpu(const struct world *w, uint64_t task)
{
	struct task *t = task_lookup(w, task);

	return t ? (int)t->cpu : -ESRCH;
}

void sched_task_dead(struct world *w, struct task *t)
{
	struct cpu *cpu = &w->cpus[t->cpu % w->nr_cpus];

	sched_run(w, t);
	context_switch(w, cpu, NULL);
}
