// SPDX-License-Identifier: MIT
/*
 * jsonl.c - a run as JSON lines (docs/test-vectors.md): a header (kernel,
 * config, seed, fingerprint, status), then one object per event with its
 * arguments, its result or errno, its scenario line and what userspace
 * could observe after it: the namespaces a privileged caller can open by
 * handle (6.19: active ones; 6.18: any with __ns_ref > 0 in the trees) and,
 * where the kernel has listns(), the ones it lists; calls that return a
 * value through memory (NS_GET_ID, SO_NETNS_COOKIE, fstat) add it.  Nothing here can fail
 * the run: lines are kept in memory and written when it closes.
 */
#include <string.h>
#include "sim.h"

/* A JSON string: quotes, backslashes and control bytes escaped; bytes that are
 * not UTF-8 become U+FFFD, so that the result is always valid JSON. */
void sim_json_str(GString *o, const char *s)
{
	g_autofree char *valid = NULL;

	if (!s) {
		g_string_append(o, "null");
		return;
	}
	if (!g_utf8_validate(s, -1, NULL))
		s = valid = g_utf8_make_valid(s, -1);
	g_string_append_c(o, '"');
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			g_string_append_printf(o, "\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			g_string_append_printf(o, "\\u%04x", *s);
		else
			g_string_append_c(o, *s);
	}
	g_string_append_c(o, '"');
}

/*
 * ns_get_unless_inactive() refuses only A == 0: a count driven below zero
 * (the put_nsset() bug) opens again, as linux-6.19-prefix-um shows.
 */
bool sim_ns_reachable(struct world *w, const struct nss_ns_info *n)
{
	return n->in_tree && (world_variant(w)->has_active ? n->active != 0 : n->ref > 0);
}

static void id_list(GString *o, struct world *w, bool listed)
{
	g_autoptr(GArray) ids = nss_ns_ids(w);
	bool active = world_variant(w)->has_active, first = true;

	g_string_append_c(o, '[');
	for (guint i = 0; i < ids->len; i++) {
		struct nss_ns_info n;

		nss_ns_info(w, g_array_index(ids, uint64_t, i), &n);
		if (!sim_ns_reachable(w, &n))
			continue;
		if (listed && !active)
			continue;
		g_string_append_printf(o, "%s%" G_GUINT64_FORMAT, first ? "" : ",", n.id);
		first = false;
	}
	g_string_append_c(o, ']');
}

/* An event's line stays open until the next one, for its call's value. */
static void close_line(struct sim *s)
{
	if (s->jsonl_open)
		g_string_append(s->jsonl, "}\n");
	s->jsonl_open = false;
}

void sim_jsonl_value(struct sim *s, const char *key, uint64_t value)
{
	if (s->jsonl && s->jsonl_open)
		g_string_append_printf(s->jsonl, ", \"%s\": %" G_GUINT64_FORMAT, key, value);
}

static void on_event_end(void *data, const struct nss_event *ev)
{
	struct sim *s = data;
	GString *o = s->jsonl;
	const char *e = ev->result < 0 ? nss_errno_name((int)-ev->result) : NULL;

	close_line(s);

	g_string_append_printf(o, "{\"seq\": %" G_GUINT64_FORMAT ", \"time_ns\": %" G_GINT64_FORMAT
			       ", \"op\": ", ev->seq, s->now);
	sim_json_str(o, ev->op);
	g_string_append_printf(o, ", \"task\": %" G_GUINT64_FORMAT ", \"args\": ", ev->task);
	sim_json_str(o, ev->kernel_work || !*s->cur_args ? NULL : s->cur_args);
	g_string_append_printf(o, ", \"result\": %" G_GINT64_FORMAT ", \"errno\": ", ev->result);
	sim_json_str(o, e);
	g_string_append(o, ", \"src\": ");
	sim_json_str(o, ev->kernel_work ? NULL : s->src);
	g_string_append(o, ", \"reachable_by_handle\": ");
	id_list(o, s->w, false);
	if (world_variant(s->w)->has_active) {
		g_string_append(o, ", \"listns\": ");
		id_list(o, s->w, true);
	}
	s->jsonl_open = true;
}

void sim_jsonl_attach(struct sim *s)
{
	struct nss_observer o = { .event_end = on_event_end, .data = s };

	s->jsonl = g_string_new(NULL);
	world_add_observer(s->w, &o);
}

gboolean sim_jsonl_write(struct sim *s, const char *status, const char *config, GError **err)
{
	g_autoptr(GString) head = g_string_new("{\"nssim\": \"" NSSIM_VERSION "\", \"scenario\": ");
	gboolean ok;

	close_line(s);
	sim_json_str(head, s->path);
	g_string_append(head, ", \"kernel\": ");
	sim_json_str(head, s->cfg.kernel);
	g_string_append_printf(head, ", \"seed\": %" G_GUINT64_FORMAT ", \"config\": %s, "
			       "\"fingerprint\": \"%016" G_GINT64_MODIFIER "x\", \"status\": ",
			       s->cfg.seed, config, s->fingerprint);
	sim_json_str(head, status);
	g_string_append_printf(head, ", \"events\": %" G_GUINT64_FORMAT "}\n",
			       world_event_count(s->w));
	g_string_append(head, s->jsonl->str);
	if (!strcmp(s->jsonl_path, "-")) {
		ok = fwrite(head->str, 1, head->len, stdout) == head->len;
		if (!ok)
			g_set_error(err, G_FILE_ERROR, G_FILE_ERROR_IO, "writing to stdout");
		return ok;
	}
	return g_file_set_contents(s->jsonl_path, head->str, (gssize)head->len, err);
}
