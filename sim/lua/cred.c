// SPDX-License-Identifier: MIT
/*
 * cred.c - Task methods that change credentials or write the user
 * namespace's files: the set*id family, uid_map/gid_map and setgroups,
 * the ucounts limits (max_namespaces), and capabilities (capset).
 */
#include <string.h>
#include "lua-private.h"

static int64_t opt_id(lua_State *L, int i)
{
	return lua_isnoneornil(L, i) ? -1 : luaL_checkinteger(L, i);
}

static int t_setuid(lua_State *L)
{
	uint64_t t = sim_lua_check_task(L, 1);

	lua_Integer id = luaL_checkinteger(L, 2);
	int r;

	sim_lua_call_site(L, NULL);
	r = sys_setuid(sim_lua_sim(L)->w, t, id);
	SIM_LUA_VEC(VOP_SETUID, t, r, VRET_ZERO, 0, NULL, "setuid", id);
	return sim_lua_ret_true(L, r);
}

static int t_setgid(lua_State *L)
{
	uint64_t t = sim_lua_check_task(L, 1);

	lua_Integer id = luaL_checkinteger(L, 2);
	int r;

	sim_lua_call_site(L, NULL);
	r = sys_setgid(sim_lua_sim(L)->w, t, id);
	SIM_LUA_VEC(VOP_SETGID, t, r, VRET_ZERO, 0, NULL, "setgid", id);
	return sim_lua_ret_true(L, r);
}

static int t_setresuid(lua_State *L)
{
	uint64_t t = sim_lua_check_task(L, 1);

	int64_t a = opt_id(L, 2), b = opt_id(L, 3), c = opt_id(L, 4);
	int r;

	sim_lua_call_site(L, NULL);
	r = sys_setresuid(sim_lua_sim(L)->w, t, a, b, c);
	SIM_LUA_VEC(VOP_SETRESUID, t, r, VRET_ZERO, 0, NULL, "setresuid", a, b, c);
	return sim_lua_ret_true(L, r);
}

static int t_setresgid(lua_State *L)
{
	uint64_t t = sim_lua_check_task(L, 1);

	int64_t a = opt_id(L, 2), b = opt_id(L, 3), c = opt_id(L, 4);
	int r;

	sim_lua_call_site(L, NULL);
	r = sys_setresgid(sim_lua_sim(L)->w, t, a, b, c);
	SIM_LUA_VEC(VOP_SETRESGID, t, r, VRET_ZERO, 0, NULL, "setresgid", a, b, c);
	return sim_lua_ret_true(L, r);
}

/* task:setfsuid(id) and setfsgid: the previous id, as the kernel returns it */
static int setfs_body(lua_State *L, bool gid)
{
	uint64_t t = sim_lua_check_task(L, 1);
	lua_Integer id = luaL_checkinteger(L, 2);
	int r;

	sim_lua_call_site(L, NULL);
	r = gid ? sys_setfsgid(sim_lua_sim(L)->w, t, id) : sys_setfsuid(sim_lua_sim(L)->w, t, id);
	SIM_LUA_VEC(gid ? VOP_SETFSGID : VOP_SETFSUID, t, r, VRET_VALUE, r, NULL,
	    gid ? "setfsgid" : "setfsuid", id);
	return sim_lua_ret_int(L, r);
}

static int t_setfsuid(lua_State *L)
{
	return setfs_body(L, false);
}

static int t_setfsgid(lua_State *L)
{
	return setfs_body(L, true);
}

/* task:setreuid(r, e) and setregid: -1 (or nil) leaves an id */
static int setre_body(lua_State *L, bool gid)
{
	uint64_t t = sim_lua_check_task(L, 1);
	int64_t a = opt_id(L, 2), b = opt_id(L, 3);
	int r;

	sim_lua_call_site(L, NULL);
	r = gid ? sys_setregid(sim_lua_sim(L)->w, t, a, b) : sys_setreuid(sim_lua_sim(L)->w, t, a, b);
	SIM_LUA_VEC(gid ? VOP_SETREGID : VOP_SETREUID, t, r, VRET_ZERO, 0, NULL,
	    gid ? "setregid" : "setreuid", a, b);
	return sim_lua_ret_true(L, r);
}

static int t_setreuid(lua_State *L)
{
	return setre_body(L, false);
}

static int t_setregid(lua_State *L)
{
	return setre_body(L, true);
}

/* task:uid_map(target, inside, outside, count) and gid_map */
static int id_map(lua_State *L, bool gid)
{
	uint64_t t = sim_lua_check_task(L, 1), target = sim_lua_check_task(L, 2);
	lua_Integer in = luaL_checkinteger(L, 3), out = luaL_checkinteger(L, 4);
	lua_Integer n = luaL_optinteger(L, 5, 1);
	char args[96];

	luaL_argcheck(L, in >= 0 && in <= UINT32_MAX, 3, "id out of range");
	luaL_argcheck(L, out >= 0 && out <= UINT32_MAX, 4, "id out of range");
	luaL_argcheck(L, n >= 0 && n <= UINT32_MAX, 5, "count out of range");
	g_snprintf(args, sizeof(args), "%lld %lld %lld", (long long)in, (long long)out,
		   (long long)n);
	int r;

	sim_lua_call_site(L, args);
	r = sys_write_id_map(sim_lua_sim(L)->w, t, target, gid, (uint32_t)in, (uint32_t)out, (uint32_t)n);
	SIM_LUA_VEC(VOP_WRITE_MAP, t, r, VRET_ZERO, 0, gid ? "gid_map" : "uid_map", "write",
	    vec_task(sim_lua_sim(L), target), in, out, n);
	return sim_lua_ret_true(L, r);
}

/* task:setgroups(target, "deny" | "allow"): write /proc/<target>/setgroups */
static int t_setgroups(lua_State *L)
{
	static const char *const words[] = { "allow", "deny", NULL };
	uint64_t t = sim_lua_check_task(L, 1), target = sim_lua_check_task(L, 2);
	int deny = luaL_checkoption(L, 3, NULL, words);
	int r;

	sim_lua_call_site(L, words[deny]);
	r = sys_write_setgroups(sim_lua_sim(L)->w, t, target, deny);
	SIM_LUA_VEC(VOP_WRITE_MAP, t, r, VRET_ZERO, 0, "setgroups", "write", vec_task(sim_lua_sim(L), target), deny);
	return sim_lua_ret_true(L, r);
}

static int t_uid_map(lua_State *L) { return id_map(L, false); }
static int t_gid_map(lua_State *L) { return id_map(L, true); }

static int t_set_max_namespaces(lua_State *L)
{
	uint64_t t = sim_lua_check_task(L, 1);
	int type = ns_type_from_name(luaL_checkstring(L, 2));
	lua_Integer v = luaL_checkinteger(L, 3);

	luaL_argcheck(L, type >= 0, 2, "unknown namespace type");
	luaL_argcheck(L, v >= INT32_MIN && v <= INT32_MAX, 3, "out of range");
	int r;

	sim_lua_call_site(L, lua_tostring(L, 2));
	if (sim_lua_sim(L)->vec) {
		struct nss_ns_info u;

		if (nss_ns_info(sim_lua_sim(L)->w, nss_task_ns(sim_lua_sim(L)->w, t, "user"), &u) && u.initial)
			vec_unsupported(sim_lua_sim(L), "set_max_namespaces() in the initial user namespace would change the machine's own limit");
	}
	r = sys_set_max_namespaces(sim_lua_sim(L)->w, t, type, (int32_t)v);
	SIM_LUA_VEC(VOP_SET_MAX, t, r, VRET_ZERO, 0, ns_type_name(type), "write", 0, v);
	return sim_lua_ret_true(L, r);
}

static const struct {
	const char *name;
	int bit;
} cap_names[] = {
	{ "SETGID", 6 }, { "SETUID", 7 }, { "KILL", 5 }, { "NET_ADMIN", 12 },
	{ "SYS_CHROOT", 18 }, { "SYS_PTRACE", 19 }, { "SYS_ADMIN", 21 },
	{ "SYS_RESOURCE", 24 },
};

static int cap_bit(lua_State *L, int i)
{
	const char *n = luaL_checkstring(L, i);

	if (!strncmp(n, "CAP_", 4))
		n += 4;
	for (guint j = 0; j < G_N_ELEMENTS(cap_names); j++)
		if (!strcmp(cap_names[j].name, n))
			return cap_names[j].bit;
	return luaL_error(L, "unknown capability '%s'", n);
}

/* task:drop_cap("SYS_ADMIN", ...): capset without them (effective and permitted). */
static int t_drop_cap(lua_State *L)
{
	uint64_t t = sim_lua_check_task(L, 1), eff, perm, drop = 0;
	int r;

	if (!nss_task_caps(sim_world(sim_lua_sim(L)), t, &eff, &perm))
		return sim_push_errno(L, -ESRCH);
	for (int i = 2; i <= lua_gettop(L); i++)
		drop |= 1ULL << cap_bit(L, i);
	eff &= ~drop;
	perm &= ~drop;
	sim_lua_call_site(L, NULL);
	r = sys_capset(sim_lua_sim(L)->w, t, eff, perm);
	SIM_LUA_VEC(VOP_CAPSET, t, r, VRET_ZERO, 0, NULL, "capset", (int64_t)drop);
	return sim_lua_ret_true(L, r);
}

/* task:has_cap("SYS_ADMIN"): in its effective set (introspection). */
static int t_has_cap(lua_State *L)
{
	uint64_t t = sim_lua_check_task(L, 1), eff = 0, perm = 0;
	int bit = cap_bit(L, 2);

	nss_task_caps(sim_world(sim_lua_sim(L)), t, &eff, &perm);
	lua_pushboolean(L, (eff >> bit) & 1);
	return 1;
}

const luaL_Reg sim_lua_cred_methods[] = {
	{ "setuid", t_setuid }, { "setgid", t_setgid }, { "setresuid", t_setresuid },
	{ "setresgid", t_setresgid }, { "setfsuid", t_setfsuid },
	{ "setfsgid", t_setfsgid }, { "setreuid", t_setreuid }, { "setregid", t_setregid },
	{ "uid_map", t_uid_map }, { "setgroups", t_setgroups }, { "gid_map", t_gid_map },
	{ "set_max_namespaces", t_set_max_namespaces },
	{ "drop_cap", t_drop_cap }, { "has_cap", t_has_cap },
	{ NULL, NULL },
};
