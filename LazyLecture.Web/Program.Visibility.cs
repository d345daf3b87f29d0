// Internal, as in the API and the worker: the test project references this assembly too (for the session tests) and only
// the AppHost's Program may be public there.
internal partial class Program;
