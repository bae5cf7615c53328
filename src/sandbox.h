/* sandbox.h - a Lua state for untrusted rubric scripts: the state, its limits
   and calls (sandbox.c), pcall and coroutines that pass a limit on
   (sandbox_co.c), and the library rubrics see (sandbox_lib.c, sandbox_bound.c). */
#ifndef SW_SANDBOX_H
#define SW_SANDBOX_H
#include "internal.h"
#include <lua.h>

#define SB_ABORT_NONE 0
#define SB_ABORT_INSTRUCTIONS 1
#define SB_ABORT_MEMORY 2
#define SB_ABORT_TIME 3

/* Closes of coroutines that may run one inside another (a __close handler
   closing a coroutine): Lua 5.4.4 does not count them against the C stack. */
#define SB_CLOSE_DEPTH_MAX 40

/* The most field accesses one expression may chain (a.b.c...), and the
   longest rubric source, in bytes (sandbox_src.c). */
#define SB_CHAIN_MAX 200
#define SB_SOURCE_MAX (1024u * 1024u)

/* Bytes print() may write in one call; the rest of the call's output is dropped. */
#define SB_PRINT_MAX (64u * 1024u)

typedef struct sw_sandbox {
	lua_State *L;
	const sw_mem *m;
	size_t used, limit;     /* bytes in use by this state, and the most it may use */
	int64_t budget;         /* instructions left in the current call */
	uint64_t instruction_limit;
	size_t pattern_limit;
	int abort;              /* SB_ABORT_*: set once a limit is hit, until the next call starts */
	bool host_refused;      /* the engine's allocator returned NULL (not the limit),
	                           until the next call starts */
	int abort_line;         /* the rubric's line when the limit was hit, 0 when unknown */
	int near_line;          /* near the memory limit: the rubric's line at the last check */
	/* the time backstop for work inside library calls (sandbox.c, sw_sb_time_up) */
	int64_t time_limit_ns;  /* CPU time of one call */
	int64_t cpu_start_ns;   /* this thread's CPU time when the call's clock started */
	int64_t wall_check_ns;  /* no need to look at the CPU clock before this */
	bool clock_started;
	size_t printed;         /* bytes print() wrote in the current call */
	unsigned print_calls;   /* print() calls since sw_sb_open */
	bool records_written;   /* a key was added to an evidence record (runner.c) */
	int close_depth;        /* coroutine closes under way, one inside another */
	size_t peak;            /* the most bytes used or asked for since it was reset */
	bool fresh;             /* no pupil evaluated since sw_sb_open */
	FILE *print;
	sw_write_fn print_fn;   /* instead of print when set */
	void *print_payload;
	const char *name;       /* the rubric's name, for print() and error lines */
	int globals_ref;        /* registry: the shared read-only globals */
	int randomseed_ref;     /* registry: the real math.randomseed */
} sw_sandbox;

/* Creates a state with the safe library, limits and the stepwise helpers. */
int sw_sb_open(sw_sandbox *sb, const sw_engine *eng, sw_diag *d);
void sw_sb_close(sw_sandbox *sb);
/* Pushes a read-only view of the table at idx (which is popped). */
void sw_sb_readonly(lua_State *L);
/* Pushes a fresh environment whose reads fall through to the shared globals. */
void sw_sb_new_env(sw_sandbox *sb);
/* Before a pupil: collects the garbage of earlier pupils when it could
   matter for the memory limit. */
void sw_sb_begin_pupil(sw_sandbox *sb);
/* Seeds math.random from a pupil's id, so each pupil's random numbers are
   the same on every run and whatever the order pupils are evaluated in. */
void sw_sb_seed_random(sw_sandbox *sb, const char *pupil_id);
/* Calls the function below nargs arguments in protected mode with a limit
   check; LUA_OK or an error status with the message on the stack. */
int sw_sb_call(sw_sandbox *sb, int nargs, int nresults);
/* The message for an abort, naming the limit and how to raise it. */
const char *sw_sb_abort_message(const sw_sandbox *sb, char *buf, size_t size);

/* The length of the line break at p, 0 when there is none: Lua counts
   \n, \r, \r\n and \n\r as one break each. */
size_t sw_sb_line_break(const char *p, const char *end);
/* Just past the long bracket ("[[ ... ]]", "[==[ ... ]==]", a string or
   the rest of a comment) opening at p, counting its lines in *line; `end`
   when it is not closed, NULL when none opens at p (sandbox_src.c; also
   read by hints.c). */
const char *sw_sb_skip_long(const char *p, const char *end, unsigned long *line);
/* Refuses rubric source that Lua 5.4.4 cannot handle safely: SW_OK, or
   SW_EINVALID with the reason in why and its line (0: none) in *bad_line. */
int sw_sb_check_source(const char *src, size_t len, unsigned long *bad_line, char *why,
                    size_t size);

/* The most bytes of an error message raised by a rubric that leave the Lua
   state (more is cut, saying so). */
#define SB_ERROR_MAX 1024u
/* Of text s (n bytes), the length to keep for at most max bytes, not cutting
   a UTF-8 character (sandbox_bound.c). */
size_t sw_sb_safe_length(const char *s, size_t n, size_t max);
/* Replaces, in place, control characters (C0, DEL, C1) in a text bound for
   a terminal with '?': no escape sequence gets through. Returns s. */
char *sw_sb_safe_text(char *s);
/* Writes n bytes of text to f with control characters but tab as '?'. */
void sw_sb_write_safe(FILE *f, const char *s, size_t n);
/* Pushes s[0..n) as sw_sb_write_safe writes it (control characters as '?'). */
void sw_sb_push_safe(lua_State *L, const char *s, size_t n);

/* Shared by sandbox.c, sandbox_co.c, sandbox_lib.c and sandbox_bound.c. */
/* The sandbox a state belongs to (the allocator's user data). */
sw_sandbox *sw_sb_of(lua_State *L);
/* Raises when a limit was hit or the call's time is up: called before library
   functions whose work the instruction count does not see. Near the memory
   limit, collects the garbage first. */
void sw_sb_check_limits(lua_State *L);
/* Charges n instructions for work inside a library function; raises once
   the instruction limit is spent. */
void sw_sb_charge(lua_State *L, uint64_t n);
/* Replaces functions that loop over sizes a script controls with ones that
   charge that work, and patterns with bounded ones (sandbox_bound.c), in
   library lib ("table", "string" or "_G", the globals) on top. */
void sw_sb_bound(lua_State *L, const char *lib);
/* Replaces field `name` of the table on top with a C closure f over Lua's
   own function (the field, or upvalue 1 of the closure the field holds). */
void sw_sb_wrap_field(lua_State *L, const char *name, lua_CFunction f);
/* Calls the original C function (upvalue 1) in this very call. */
int sw_sb_call_original(lua_State *L);
/* A table whose metatable has a function at key &sw_sb_unveil_key is
   made on demand: the raw functions (next, rawget, rawlen, getmetatable,
   setmetatable) call that function with the table first, so that what they
   see is the table as made (runner_evidence.c); its second argument is
   true for getmetatable and setmetatable (the table must then have no
   metatable of the runner's left). */
extern const char sw_sb_unveil_key;
/* The registry key (light userdata) of the framework table the helpers
   may read (stepwise.per_skill checks skill names when the rubric loads);
   set by the runner. */
extern const char sw_sb_framework_key;
/* The registry key of the table only the helpers see (their `...`), to
   which the runner adds its fast paths (runner_view.c). */
extern const char sw_sb_host_key;
/* Makes the table at idx if it is one made on demand (metatable: for
   getmetatable or setmetatable); else nothing. */
void sw_sb_unveil(lua_State *L, int idx, bool metatable);
/* Makes the metatable at index mt (absolute) one of tables made on demand
   by f (a C function given the table; its nup upvalues are popped from the
   stack): f at &sw_sb_unveil_key, and a __pairs that calls it first. */
void sw_sb_set_unveil(lua_State *L, int mt, lua_CFunction f, int nup);
/* Raises the error of the limit in sb->abort (a coroutine it stops is poisoned). */
int sw_sb_raise_limit(lua_State *L, sw_sandbox *sb);
/* True when the error of status st at idx is Lua's memory error; sets sb->abort. */
bool sw_sb_memory_error(lua_State *L, int st, int idx);
/* After a protected call inside the script: raises its error again on a limit. */
void sw_sb_rethrow_abort(lua_State *L, int st);
/* Before and after a coroutine runs: its own count, and the instructions after it. */
void sw_sb_co_start(lua_State *co);
void sw_sb_co_stop(lua_State *L);
/* True for a coroutine a limit stopped: none of its code may run again. */
bool sw_sb_poisoned(lua_State *L);
/* pcall, xpcall and coroutine.resume, close and wrap that pass a limit on
   (sandbox_co.c). */
int sw_sb_pcall(lua_State *L);
int sw_sb_xpcall(lua_State *L);
int sw_sb_co_resume(lua_State *L);
int sw_sb_co_close(lua_State *L);
int sw_sb_co_wrap(lua_State *L);
/* Builds the shared globals a rubric reads (sandbox_lib.c) and leaves them on
   the stack; sets sb->randomseed_ref. */
void sw_sb_build_globals(lua_State *L, sw_sandbox *sb);
#endif
