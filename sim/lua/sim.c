// SPDX-License-Identifier: MIT
/*
 * sim.c - the sim module's own functions: namespace introspection
 * (sim.ns, sim.ns_ids), labels, fault injection (sim.fail_next), the
 * invariant check on demand, and the fields computed when read (sim.init,
 * sim.kernel, sim.seed, sim.lazy_tlb).  Virtual time's are in time.c.
 */
#include <string.h>
#include "lua-private.h"

static int l_ns(lua_State *L)
{
	struct nss_ns_info i;

	if (!nss_ns_info(sim_world(sim_lua_sim(L)), (uint64_t)luaL_checkinteger(L, 1), &i)) {
		lua_pushnil(L);
		return 1;
	}
	lua_createtable(L, 0, 12);
	lua_pushinteger(L, (lua_Integer)i.id);
	lua_setfield(L, -2, "id");
	lua_pushstring(L, ns_type_name(i.type));
	lua_setfield(L, -2, "type");
	lua_pushinteger(L, i.inum);
	lua_setfield(L, -2, "inum");
	lua_pushinteger(L, i.ref);
	lua_setfield(L, -2, "ref");
	lua_pushinteger(L, i.active);
	lua_setfield(L, -2, "active");
	lua_pushinteger(L, (lua_Integer)i.owner);
	lua_setfield(L, -2, "owner");
	lua_pushinteger(L, (lua_Integer)i.parent);
	lua_setfield(L, -2, "parent");
	lua_pushinteger(L, i.level);
	lua_setfield(L, -2, "level");
	lua_pushboolean(L, i.initial);
	lua_setfield(L, -2, "initial");
	lua_pushboolean(L, i.in_tree);
	lua_setfield(L, -2, "in_tree");
	lua_pushboolean(L, i.has_inode);
	lua_setfield(L, -2, "inode");
	lua_pushboolean(L, !i.dying);
	lua_setfield(L, -2, "alive");
	return 1;
}

/* sim.label(id, name): the namespace's name in the trace (namespace.label) */
static int l_label(lua_State *L)
{
	struct sim *s = sim_lua_sim(L);
	lua_Integer id = luaL_checkinteger(L, 1);
	size_t n;
	const char *name = luaL_checklstring(L, 2, &n);
	struct nss_ns_info i;

	luaL_argcheck(L, n > 0 && n <= 64 && !memchr(name, 0, n) && g_utf8_validate(name, (gssize)n, NULL),
		      2, "a label is 1 to 64 bytes of UTF-8 text");
	if (!nss_ns_info(sim_world(s), (uint64_t)id, &i))
		return luaL_error(L, "sim.label: no namespace %I", id);
	if (s->trace)
		nss_trace_label(s->trace, (uint64_t)id, name);
	return 0;
}

static int l_ns_ids(lua_State *L)
{
	g_autoptr(GArray) ids = nss_ns_ids(sim_world(sim_lua_sim(L)));

	lua_createtable(L, (int)ids->len, 0);
	for (guint i = 0; i < ids->len; i++) {
		lua_pushinteger(L, (lua_Integer)g_array_index(ids, uint64_t, i));
		lua_rawseti(L, -2, i + 1);
	}
	return 1;
}

/*
 * sim.fail_next(site [, errno [, nth]]): the nth next pass (default 1)
 * through a fallible site fails, with its own errno or this one.  Not an
 * event; the failing call is.
 */
static int l_fail_next(lua_State *L)
{
	const char *site = luaL_checkstring(L, 1);
	const char *e = luaL_optstring(L, 2, NULL);
	lua_Integer nth = luaL_optinteger(L, 3, 1);
	int err = 0;

	if (e && !(err = nss_errno_value(e)))
		return luaL_error(L, "sim.fail_next: unknown errno name '%s'", e);
	luaL_argcheck(L, nth >= 1 && nth <= INT32_MAX, 3, "must be >= 1");
	if (world_fail_next(sim_world(sim_lua_sim(L)), site, err, (unsigned int)nth) < 0)
		return luaL_error(L, "sim.fail_next: unknown site '%s' (see nssim sites)", site);
	vec_fault_armed(sim_lua_sim(L), site, err);
	return 0;
}

static int l_check(lua_State *L)
{
	struct sim *s = sim_lua_sim(L);

	sim_lua_call_site(L, NULL);
	lua_pushinteger(L, (lua_Integer)world_check(sim_world(s)));
	return 1;
}

/* sim.index: init and kernel are computed when read */
static int sim_index(lua_State *L)
{
	struct sim *s = sim_lua_sim(L);
	const char *k = luaL_checkstring(L, 2);

	if (strcmp(k, "init") == 0) {
		sim_lua_push_task(L, world_init_task(sim_world(s)));
		return 1;
	}
	if (strcmp(k, "kernel") == 0) {
		lua_pushstring(L, s->cfg.kernel);
		return 1;
	}
	if (strcmp(k, "seed") == 0) {
		lua_pushinteger(L, (lua_Integer)s->cfg.seed);
		return 1;
	}
	if (strcmp(k, "lazy_tlb") == 0) {
		lua_pushstring(L, s->cfg.lazy_tlb);
		return 1;
	}
	lua_pushnil(L);
	return 1;
}

const luaL_Reg sim_lua_sim_fns[] = {
	{ "ns", l_ns }, { "ns_ids", l_ns_ids }, { "label", l_label }, { "check", l_check },
	{ NULL, NULL },
};

const luaL_Reg sim_lua_fault_fns[] = {
	{ "fail_next", l_fail_next }, { NULL, NULL },
};

const luaL_Reg sim_lua_sim_meta[] = {
	{ "__index", sim_index }, { NULL, NULL },
};
