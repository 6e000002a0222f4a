/*
 * The LuaJIT 2.1 VM as a Node-API addon: one exported function per Lua C API operation the bridge
 * needs (src/bridge/luajit_bridge.ts implements LuaApi over them), plus the trampoline through which
 * Lua calls TypeScript functions.
 *
 * A Lua error must never unwind through JavaScript frames (LuaJIT unwinds with the C ABI's
 * unwinder, which cannot cross V8's frames). So:
 *  - the trampoline calls into JavaScript, which returns a result count or -1; on -1 the trampoline,
 *    back in C, raises the error value JavaScript stashed (`stash*`) with lua_error;
 *  - an operation that can run a metamethod (getfield, setfield, getglobal, setglobal) runs it
 *    under lua_pcall; if it fails, the error value is stashed and the JavaScript `pending` value is
 *    thrown, which the dispatcher catches and answers with -1.
 * A lua_State* travels to JavaScript as a double (user-space addresses are below 2^53).
 */
#include <node_api.h>
#include <lua.h>
#include <lauxlib.h>
#include <lualib.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define HANDLE_MAGIC 0x53544e47u /* "STNG": our engine-object userdata is [magic u32, handle u32] */

typedef struct {
  napi_env env;
  napi_ref dispatch; /* (L, handlerId) => results | -1 */
  napi_ref pending;  /* thrown when a Lua error is stashed, for the dispatcher to answer -1 */
  char *buffer;      /* scratch for strings coming from JavaScript */
  size_t bufferSize;
} Addon;

static Addon addon;
/* The registry key of a state's stashed error value (its address is the key). */
static char stashKey;

#define CHECK(call)                                                                    \
  do {                                                                                 \
    if ((call) != napi_ok) {                                                           \
      napi_throw_error(env, NULL, "stingray-network luajit addon: N-API call failed"); \
      return NULL;                                                                     \
    }                                                                                  \
  } while (0)

#define ARGS(n)                                                  \
  size_t argc = (n);                                             \
  napi_value argv[(n) > 0 ? (n) : 1];                            \
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));

static lua_State *state_at(napi_env env, napi_value v) {
  double d = 0;
  napi_get_value_double(env, v, &d);
  return (lua_State *)(uintptr_t)d;
}

static int int_at(napi_env env, napi_value v) {
  int32_t i = 0;
  napi_get_value_int32(env, v, &i);
  return i;
}

static double double_at(napi_env env, napi_value v) {
  double d = 0;
  napi_get_value_double(env, v, &d);
  return d;
}

static napi_value make_int(napi_env env, int i) {
  napi_value v;
  napi_create_int32(env, i, &v);
  return v;
}

static napi_value make_double(napi_env env, double d) {
  napi_value v;
  napi_create_double(env, d, &v);
  return v;
}

static napi_value make_bool(napi_env env, int b) {
  napi_value v;
  napi_get_boolean(env, b != 0, &v);
  return v;
}

static napi_value undefined(napi_env env) {
  napi_value v;
  napi_get_undefined(env, &v);
  return v;
}

/* The UTF-8 text of JavaScript string `v`, in the scratch buffer (valid until the next call). */
static const char *text_at(napi_env env, napi_value v, size_t *len) {
  if (napi_get_value_string_utf8(env, v, addon.buffer, addon.bufferSize, len) != napi_ok) return NULL;
  if (*len + 1 < addon.bufferSize) return addon.buffer;
  /* Possibly truncated: ask for the length and grow. */
  if (napi_get_value_string_utf8(env, v, NULL, 0, len) != napi_ok) return NULL;
  if (*len + 1 > addon.bufferSize) {
    char *grown = realloc(addon.buffer, *len + 1);
    if (grown == NULL) return NULL;
    addon.buffer = grown;
    addon.bufferSize = *len + 1;
  }
  if (napi_get_value_string_utf8(env, v, addon.buffer, addon.bufferSize, len) != napi_ok) return NULL;
  return addon.buffer;
}

/* ---- errors ------------------------------------------------------------------------------------ */

/* Pop the top value into the state's stash slot. */
static void stash_top(lua_State *L) {
  lua_pushlightuserdata(L, &stashKey);
  lua_insert(L, -2);
  lua_rawset(L, LUA_REGISTRYINDEX);
}

/* Stash the top value and make JavaScript unwind to the dispatcher (always returns NULL). */
static napi_value stash_and_throw(napi_env env, lua_State *L) {
  napi_value pending;
  stash_top(L);
  napi_get_reference_value(env, addon.pending, &pending);
  napi_throw(env, pending);
  return NULL;
}

/* stashTop(L): pop the top value as the error to raise. */
static napi_value js_stash_top(napi_env env, napi_callback_info info) {
  ARGS(1);
  stash_top(state_at(env, argv[0]));
  return undefined(env);
}

/* stashMessage(L, level, message): stash "file:line: message" (luaL_where of `level`). */
static napi_value js_stash_message(napi_env env, napi_callback_info info) {
  ARGS(3);
  lua_State *L = state_at(env, argv[0]);
  size_t len;
  luaL_where(L, int_at(env, argv[1]));
  const char *s = text_at(env, argv[2], &len);
  lua_pushlstring(L, s ? s : "internal error: unreadable message", s ? len : 34);
  lua_concat(L, 2);
  stash_top(L);
  return undefined(env);
}

/* ---- the trampoline ---------------------------------------------------------------------------- */

static int trampoline(lua_State *L) {
  napi_env env = addon.env;
  napi_handle_scope scope;
  napi_value fn, recv, args[2], result;
  int32_t n = -1;
  napi_open_handle_scope(env, &scope);
  napi_get_reference_value(env, addon.dispatch, &fn);
  napi_get_undefined(env, &recv);
  napi_create_double(env, (double)(uintptr_t)L, &args[0]);
  napi_create_double(env, (double)(uintptr_t)lua_touserdata(L, lua_upvalueindex(1)), &args[1]);
  if (napi_call_function(env, recv, fn, 2, args, &result) == napi_ok) {
    napi_get_value_int32(env, result, &n);
  } else {
    /* The dispatcher never throws; if it did (out of memory), still raise a Lua error. */
    napi_value ignored;
    napi_get_and_clear_last_exception(env, &ignored);
    lua_pushliteral(L, "internal error: the TypeScript dispatcher failed");
    stash_top(L);
  }
  napi_close_handle_scope(env, scope);
  if (n >= 0) return n;
  lua_pushlightuserdata(L, &stashKey);
  lua_rawget(L, LUA_REGISTRYINDEX);
  lua_pushlightuserdata(L, &stashKey);
  lua_pushnil(L);
  lua_rawset(L, LUA_REGISTRYINDEX);
  return lua_error(L);
}

/* init(dispatch, pending) */
static napi_value js_init(napi_env env, napi_callback_info info) {
  ARGS(2);
  if (addon.dispatch) napi_delete_reference(env, addon.dispatch);
  if (addon.pending) napi_delete_reference(env, addon.pending);
  addon.env = env;
  CHECK(napi_create_reference(env, argv[0], 1, &addon.dispatch));
  CHECK(napi_create_reference(env, argv[1], 1, &addon.pending));
  return undefined(env);
}

/* pushFunction(L, handlerId, extraUpvalues) */
static napi_value js_push_function(napi_env env, napi_callback_info info) {
  ARGS(3);
  lua_State *L = state_at(env, argv[0]);
  int extra = int_at(env, argv[2]);
  lua_pushlightuserdata(L, (void *)(uintptr_t)int_at(env, argv[1]));
  if (extra > 0) lua_insert(L, -1 - extra);
  lua_pushcclosure(L, trampoline, 1 + extra);
  return undefined(env);
}

/* ---- states ------------------------------------------------------------------------------------ */

static napi_value js_new_state(napi_env env, napi_callback_info info) {
  lua_State *L = luaL_newstate();
  (void)info;
  if (L == NULL) return make_double(env, 0);
  luaL_openlibs(L);
  return make_double(env, (double)(uintptr_t)L);
}

static napi_value js_close_state(napi_env env, napi_callback_info info) {
  ARGS(1);
  lua_close(state_at(env, argv[0]));
  return undefined(env);
}

/* ---- the stack --------------------------------------------------------------------------------- */

static napi_value js_get_top(napi_env env, napi_callback_info info) {
  ARGS(1);
  return make_int(env, lua_gettop(state_at(env, argv[0])));
}

static napi_value js_set_top(napi_env env, napi_callback_info info) {
  ARGS(2);
  lua_settop(state_at(env, argv[0]), int_at(env, argv[1]));
  return undefined(env);
}

static int abs_index(lua_State *L, int idx) {
  return idx > 0 || idx <= LUA_REGISTRYINDEX ? idx : lua_gettop(L) + idx + 1;
}

static napi_value js_abs_index(napi_env env, napi_callback_info info) {
  ARGS(2);
  return make_int(env, abs_index(state_at(env, argv[0]), int_at(env, argv[1])));
}

static napi_value js_push_value(napi_env env, napi_callback_info info) {
  ARGS(2);
  lua_pushvalue(state_at(env, argv[0]), int_at(env, argv[1]));
  return undefined(env);
}

static void reverse(lua_State *L, int a, int b) {
  for (; a < b; a++, b--) {
    lua_pushvalue(L, a);
    lua_pushvalue(L, b);
    lua_replace(L, a);
    lua_replace(L, b);
  }
}

/* lua_rotate of Lua 5.3+, which 5.1 lacks: rotate the values from idx to the top by n. */
static napi_value js_rotate(napi_env env, napi_callback_info info) {
  ARGS(3);
  lua_State *L = state_at(env, argv[0]);
  int idx = abs_index(L, int_at(env, argv[1]));
  int n = int_at(env, argv[2]);
  int top = lua_gettop(L);
  if (n == 1 && idx < top) {
    lua_insert(L, idx);
  } else {
    int m = n >= 0 ? top - n : idx - n - 1;
    reverse(L, idx, m);
    reverse(L, m + 1, top);
    reverse(L, idx, top);
  }
  return undefined(env);
}

static napi_value js_check_stack(napi_env env, napi_callback_info info) {
  ARGS(2);
  return make_bool(env, lua_checkstack(state_at(env, argv[0]), int_at(env, argv[1])));
}

/* ---- reading values ---------------------------------------------------------------------------- */

static napi_value js_type(napi_env env, napi_callback_info info) {
  ARGS(2);
  return make_int(env, lua_type(state_at(env, argv[0]), int_at(env, argv[1])));
}

static napi_value js_to_number(napi_env env, napi_callback_info info) {
  ARGS(2);
  return make_double(env, lua_tonumber(state_at(env, argv[0]), int_at(env, argv[1])));
}

static napi_value js_number_or_nan(napi_env env, napi_callback_info info) {
  ARGS(2);
  lua_State *L = state_at(env, argv[0]);
  int idx = int_at(env, argv[1]);
  /* lua_isnumber also accepts numeric strings, as lua_tonumberx does */
  return make_double(env, lua_isnumber(L, idx) ? lua_tonumber(L, idx) : __builtin_nan(""));
}

static napi_value js_to_boolean(napi_env env, napi_callback_info info) {
  ARGS(2);
  return make_bool(env, lua_toboolean(state_at(env, argv[0]), int_at(env, argv[1])));
}

static napi_value js_to_string(napi_env env, napi_callback_info info) {
  ARGS(2);
  size_t len;
  const char *s = lua_tolstring(state_at(env, argv[0]), int_at(env, argv[1]), &len);
  napi_value v;
  if (s == NULL) return undefined(env);
  CHECK(napi_create_string_utf8(env, s, len, &v));
  return v;
}

static napi_value js_to_bytes(napi_env env, napi_callback_info info) {
  ARGS(2);
  size_t len;
  const char *s = lua_tolstring(state_at(env, argv[0]), int_at(env, argv[1]), &len);
  napi_value v;
  if (s == NULL) return undefined(env);
  CHECK(napi_create_buffer_copy(env, len, s, NULL, &v));
  return v;
}

static napi_value js_to_userdata(napi_env env, napi_callback_info info) {
  ARGS(2);
  return make_double(env, (double)(uintptr_t)lua_touserdata(state_at(env, argv[0]), int_at(env, argv[1])));
}

static napi_value js_raw_equal(napi_env env, napi_callback_info info) {
  ARGS(3);
  return make_bool(env, lua_rawequal(state_at(env, argv[0]), int_at(env, argv[1]), int_at(env, argv[2])));
}

/* ---- pushing values ---------------------------------------------------------------------------- */

static napi_value js_push_nil(napi_env env, napi_callback_info info) {
  ARGS(1);
  lua_pushnil(state_at(env, argv[0]));
  return undefined(env);
}

static napi_value js_push_number(napi_env env, napi_callback_info info) {
  ARGS(2);
  lua_pushnumber(state_at(env, argv[0]), double_at(env, argv[1]));
  return undefined(env);
}

static napi_value js_push_boolean(napi_env env, napi_callback_info info) {
  ARGS(2);
  bool b = false;
  napi_get_value_bool(env, argv[1], &b);
  lua_pushboolean(state_at(env, argv[0]), b);
  return undefined(env);
}

static napi_value js_push_string(napi_env env, napi_callback_info info) {
  ARGS(2);
  size_t len;
  const char *s = text_at(env, argv[1], &len);
  if (s == NULL) {
    napi_throw_error(env, NULL, "pushString: not a string");
    return NULL;
  }
  lua_pushlstring(state_at(env, argv[0]), s, len);
  return undefined(env);
}

static napi_value js_push_bytes(napi_env env, napi_callback_info info) {
  ARGS(2);
  napi_typedarray_type type;
  size_t len, offset;
  void *data;
  napi_value buffer;
  CHECK(napi_get_typedarray_info(env, argv[1], &type, &len, &data, &buffer, &offset));
  lua_pushlstring(state_at(env, argv[0]), len ? (const char *)data : "", len);
  return undefined(env);
}

static napi_value js_push_light_userdata(napi_env env, napi_callback_info info) {
  ARGS(2);
  lua_pushlightuserdata(state_at(env, argv[0]), (void *)(uintptr_t)double_at(env, argv[1]));
  return undefined(env);
}

static napi_value js_push_empty_userdata(napi_env env, napi_callback_info info) {
  ARGS(1);
  lua_newuserdata(state_at(env, argv[0]), 0);
  return undefined(env);
}

static napi_value js_push_handle_userdata(napi_env env, napi_callback_info info) {
  ARGS(2);
  uint32_t handle = 0;
  napi_get_value_uint32(env, argv[1], &handle);
  uint32_t *block = lua_newuserdata(state_at(env, argv[0]), 2 * sizeof(uint32_t));
  block[0] = HANDLE_MAGIC;
  block[1] = handle;
  return undefined(env);
}

static napi_value js_handle_at(napi_env env, napi_callback_info info) {
  ARGS(2);
  lua_State *L = state_at(env, argv[0]);
  int idx = int_at(env, argv[1]);
  uint32_t handle = 0;
  /* lua_objlen of a full userdata is its size: never read past a smaller foreign block */
  if (lua_type(L, idx) == LUA_TUSERDATA && lua_objlen(L, idx) >= 2 * sizeof(uint32_t)) {
    const uint32_t *block = lua_touserdata(L, idx);
    if (block[0] == HANDLE_MAGIC) handle = block[1];
  }
  napi_value v;
  napi_create_uint32(env, handle, &v);
  return v;
}

/* ---- tables (the metamethod-running ones protected) -------------------------------------------- */

/* Under lua_pcall: (table, key) -> t[key] with metamethods. */
static int protected_get(lua_State *L) {
  lua_gettable(L, 1);
  return 1;
}

/* Under lua_pcall: (table, key, value) -> t[key] = value with metamethods. */
static int protected_set(lua_State *L) {
  lua_settable(L, 1);
  return 0;
}

/*
 * t[key] with the key on top (t at absolute index t): the raw value if it is there (the same answer
 * __index would not be asked for), otherwise the full lookup under lua_pcall. Replaces the key by
 * the value; returns 0 on a Lua error (stashed).
 */
static int get_protected(lua_State *L, int t) {
  if (lua_type(L, t) == LUA_TTABLE) {
    if (!lua_getmetatable(L, t)) {
      lua_rawget(L, t);
      return 1;
    }
    lua_pop(L, 1);
    lua_pushvalue(L, -1);
    lua_rawget(L, t);
    if (!lua_isnil(L, -1)) {
      lua_replace(L, -2);
      return 1;
    }
    lua_pop(L, 1);
  }
  lua_pushcfunction(L, protected_get);
  lua_pushvalue(L, t);
  lua_pushvalue(L, -3);
  if (lua_pcall(L, 2, 1, 0) != 0) {
    lua_replace(L, -2);
    return 0;
  }
  lua_replace(L, -2);
  return 1;
}

/* t[key] = value with key and value on top (popped); raw when that is what the metamethods would do. */
static int set_protected(lua_State *L, int t) {
  if (lua_type(L, t) == LUA_TTABLE) {
    if (!lua_getmetatable(L, t)) {
      lua_rawset(L, t);
      return 1;
    }
    lua_pop(L, 1);
    lua_pushvalue(L, -2);
    lua_rawget(L, t);
    int present = !lua_isnil(L, -1);
    lua_pop(L, 1);
    if (present) {
      lua_rawset(L, t);
      return 1;
    }
  }
  lua_pushcfunction(L, protected_set);
  lua_pushvalue(L, t);
  lua_pushvalue(L, -4);
  lua_pushvalue(L, -4);
  if (lua_pcall(L, 3, 0, 0) != 0) {
    lua_replace(L, -3);
    lua_pop(L, 1);
    return 0;
  }
  lua_pop(L, 2);
  return 1;
}

/* getField(L, idx, key) -> type */
static napi_value js_get_field(napi_env env, napi_callback_info info) {
  ARGS(3);
  lua_State *L = state_at(env, argv[0]);
  int t = abs_index(L, int_at(env, argv[1]));
  size_t len;
  const char *k = text_at(env, argv[2], &len);
  lua_pushlstring(L, k, len);
  if (!get_protected(L, t)) return stash_and_throw(env, L);
  return make_int(env, lua_type(L, -1));
}

/* setField(L, idx, key): t[key] = top (popped) */
static napi_value js_set_field(napi_env env, napi_callback_info info) {
  ARGS(3);
  lua_State *L = state_at(env, argv[0]);
  int t = abs_index(L, int_at(env, argv[1]));
  size_t len;
  const char *k = text_at(env, argv[2], &len);
  lua_pushlstring(L, k, len);
  lua_insert(L, -2);
  if (!set_protected(L, t)) return stash_and_throw(env, L);
  return undefined(env);
}

static napi_value js_get_global(napi_env env, napi_callback_info info) {
  ARGS(2);
  lua_State *L = state_at(env, argv[0]);
  size_t len;
  const char *k = text_at(env, argv[1], &len);
  lua_pushlstring(L, k, len);
  if (!get_protected(L, LUA_GLOBALSINDEX)) return stash_and_throw(env, L);
  return make_int(env, lua_type(L, -1));
}

static napi_value js_set_global(napi_env env, napi_callback_info info) {
  ARGS(2);
  lua_State *L = state_at(env, argv[0]);
  size_t len;
  const char *k = text_at(env, argv[1], &len);
  lua_pushlstring(L, k, len);
  lua_insert(L, -2);
  if (!set_protected(L, LUA_GLOBALSINDEX)) return stash_and_throw(env, L);
  return undefined(env);
}

static napi_value js_raw_get_index(napi_env env, napi_callback_info info) {
  ARGS(3);
  lua_State *L = state_at(env, argv[0]);
  lua_rawgeti(L, int_at(env, argv[1]), int_at(env, argv[2]));
  return make_int(env, lua_type(L, -1));
}

static napi_value js_raw_set_index(napi_env env, napi_callback_info info) {
  ARGS(3);
  lua_rawseti(state_at(env, argv[0]), int_at(env, argv[1]), int_at(env, argv[2]));
  return undefined(env);
}

static napi_value js_raw_set(napi_env env, napi_callback_info info) {
  ARGS(2);
  lua_rawset(state_at(env, argv[0]), int_at(env, argv[1]));
  return undefined(env);
}

static napi_value js_raw_length(napi_env env, napi_callback_info info) {
  ARGS(2);
  return make_double(env, (double)lua_objlen(state_at(env, argv[0]), int_at(env, argv[1])));
}

static napi_value js_next(napi_env env, napi_callback_info info) {
  ARGS(2);
  return make_bool(env, lua_next(state_at(env, argv[0]), int_at(env, argv[1])));
}

static napi_value js_new_table(napi_env env, napi_callback_info info) {
  ARGS(3);
  lua_createtable(state_at(env, argv[0]), int_at(env, argv[1]), int_at(env, argv[2]));
  return undefined(env);
}

static napi_value js_get_metatable(napi_env env, napi_callback_info info) {
  ARGS(2);
  return make_bool(env, lua_getmetatable(state_at(env, argv[0]), int_at(env, argv[1])));
}

static napi_value js_set_metatable(napi_env env, napi_callback_info info) {
  ARGS(2);
  lua_setmetatable(state_at(env, argv[0]), int_at(env, argv[1]));
  return undefined(env);
}

static napi_value js_ref(napi_env env, napi_callback_info info) {
  ARGS(1);
  return make_int(env, luaL_ref(state_at(env, argv[0]), LUA_REGISTRYINDEX));
}

static napi_value js_unref(napi_env env, napi_callback_info info) {
  ARGS(2);
  luaL_unref(state_at(env, argv[0]), LUA_REGISTRYINDEX, int_at(env, argv[1]));
  return undefined(env);
}

/* ---- running code ------------------------------------------------------------------------------ */

/* load(L, bytes, chunkName) -> ok; pushes the function or the message */
static napi_value js_load(napi_env env, napi_callback_info info) {
  ARGS(3);
  lua_State *L = state_at(env, argv[0]);
  napi_typedarray_type type;
  size_t len, offset, nameLen;
  void *data;
  napi_value buffer;
  CHECK(napi_get_typedarray_info(env, argv[1], &type, &len, &data, &buffer, &offset));
  /* the name goes through the scratch buffer, so keep the source out of it */
  const char *name = text_at(env, argv[2], &nameLen);
  return make_bool(env, luaL_loadbuffer(L, len ? (const char *)data : "", len, name) == 0);
}

/* pcall(L, nargs, nresults, handlerIdx) -> ok */
static napi_value js_pcall(napi_env env, napi_callback_info info) {
  ARGS(4);
  lua_State *L = state_at(env, argv[0]);
  return make_bool(env, lua_pcall(L, int_at(env, argv[1]), int_at(env, argv[2]), int_at(env, argv[3])) == 0);
}

/* ---- module ------------------------------------------------------------------------------------ */

#define EXPORT(name, fn) {name, NULL, fn, NULL, NULL, NULL, napi_default, NULL}

static napi_value init_module(napi_env env, napi_value exports) {
  napi_property_descriptor functions[] = {
      EXPORT("init", js_init),
      EXPORT("newState", js_new_state),
      EXPORT("closeState", js_close_state),
      EXPORT("pushFunction", js_push_function),
      EXPORT("stashTop", js_stash_top),
      EXPORT("stashMessage", js_stash_message),
      EXPORT("getTop", js_get_top),
      EXPORT("setTop", js_set_top),
      EXPORT("absIndex", js_abs_index),
      EXPORT("pushValue", js_push_value),
      EXPORT("rotate", js_rotate),
      EXPORT("checkStack", js_check_stack),
      EXPORT("type", js_type),
      EXPORT("toNumber", js_to_number),
      EXPORT("numberOrNaN", js_number_or_nan),
      EXPORT("toBoolean", js_to_boolean),
      EXPORT("toString", js_to_string),
      EXPORT("toBytes", js_to_bytes),
      EXPORT("toUserdata", js_to_userdata),
      EXPORT("rawEqual", js_raw_equal),
      EXPORT("pushNil", js_push_nil),
      EXPORT("pushNumber", js_push_number),
      EXPORT("pushBoolean", js_push_boolean),
      EXPORT("pushString", js_push_string),
      EXPORT("pushBytes", js_push_bytes),
      EXPORT("pushLightUserdata", js_push_light_userdata),
      EXPORT("pushEmptyUserdata", js_push_empty_userdata),
      EXPORT("pushHandleUserdata", js_push_handle_userdata),
      EXPORT("handleAt", js_handle_at),
      EXPORT("getField", js_get_field),
      EXPORT("setField", js_set_field),
      EXPORT("getGlobal", js_get_global),
      EXPORT("setGlobal", js_set_global),
      EXPORT("rawGetIndex", js_raw_get_index),
      EXPORT("rawSetIndex", js_raw_set_index),
      EXPORT("rawSet", js_raw_set),
      EXPORT("rawLength", js_raw_length),
      EXPORT("next", js_next),
      EXPORT("newTable", js_new_table),
      EXPORT("getMetatable", js_get_metatable),
      EXPORT("setMetatable", js_set_metatable),
      EXPORT("ref", js_ref),
      EXPORT("unref", js_unref),
      EXPORT("load", js_load),
      EXPORT("pcall", js_pcall),
  };
  addon.bufferSize = 1024;
  addon.buffer = malloc(addon.bufferSize);
  napi_define_properties(env, exports, sizeof functions / sizeof functions[0], functions);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init_module)
