// Functions the checks themselves install for a while (the broadcast check's hook on tfjs's
// kernels): the guard that puts back what user code replaced (run/guard.ts) leaves these be.
export const ownPatches = new WeakSet<object>();
