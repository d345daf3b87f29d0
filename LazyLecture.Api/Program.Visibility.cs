// Keeps the top-level Program internal (the .NET 10 Web SDK would generate a public one): the test project references both
// this assembly and the AppHost, whose public Program the test host starts, and two public Program types would clash.
internal partial class Program;
