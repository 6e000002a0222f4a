// The trampoline's call into the TypeScript dispatcher, through V8 itself: napi_call_function, with
// the handle scope and reference lookups around it, costs about twice as much per call (measured
// with an empty TypeScript function called from Lua: 100 ns through Node-API, 67 ns this way).
#include <node_api.h>
#include <v8.h>
#include <cstring>

// On the heap, reset by the environment's cleanup hook: a static's destructor would run after the
// isolate is gone.
static v8::Global<v8::Function> *dispatchFunction;

static void forget_dispatch(void *) {
  dispatchFunction->Reset();
}

// A napi_value is a v8::Local<v8::Value> (Node's own v8impl::V8LocalValueFromJsValue converts it the
// same way); the addon is compiled against the Node it runs in, at install.
extern "C" void stingray_set_dispatch(napi_env env, napi_value dispatch) {
  v8::Local<v8::Value> local;
  static_assert(sizeof local == sizeof dispatch, "napi_value is a v8::Local");
  std::memcpy(static_cast<void *>(&local), &dispatch, sizeof dispatch);
  if (dispatchFunction == nullptr) {
    dispatchFunction = new v8::Global<v8::Function>();
    napi_add_env_cleanup_hook(env, forget_dispatch, nullptr);
  }
  dispatchFunction->Reset(v8::Isolate::GetCurrent(), local.As<v8::Function>());
}

extern "C" int stingray_call_dispatch(void) {
  v8::Isolate *isolate = v8::Isolate::GetCurrent();
  v8::HandleScope scope(isolate);
  v8::TryCatch failure(isolate);
  v8::Local<v8::Context> context = isolate->GetCurrentContext();
  v8::Local<v8::Value> result;
  if (!dispatchFunction->Get(isolate)->Call(context, v8::Undefined(isolate), 0, nullptr).ToLocal(&result)) return -2;
  return result->Int32Value(context).FromMaybe(-2);
}
