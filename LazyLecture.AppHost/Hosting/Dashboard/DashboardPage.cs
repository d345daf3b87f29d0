namespace LazyLecture.Hosting.Dashboard;

/// <summary>The dashboard's single page: a resource table refreshed every two seconds and the selected resource's output.</summary>
internal static class DashboardPage
{
    public const string Html = """
        <!doctype html>
        <html lang="en">
        <head>
          <meta charset="utf-8">
          <title>LazyLecture — resources</title>
          <style>
            body { font-family: system-ui, sans-serif; margin: 2rem; color: #222; }
            table { border-collapse: collapse; width: 100%; }
            th, td { text-align: left; padding: .4rem .8rem; border-bottom: 1px solid #ddd; }
            tr { cursor: pointer; }
            .Healthy, .Finished { color: #1a7f37; } .Failed, .Unhealthy { color: #cf222e; }
            .Restarting, .Starting, .Waiting, .Running { color: #9a6700; }
            pre { background: #111; color: #ddd; padding: 1rem; height: 28rem; overflow: auto; font-size: .8rem; }
          </style>
        </head>
        <body>
          <h1>LazyLecture resources</h1>
          <table>
            <thead><tr><th>Resource</th><th>Type</th><th>State</th><th>Endpoint</th><th>Restarts</th><th>PIDs</th></tr></thead>
            <tbody id="resources"></tbody>
          </table>
          <h2 id="logs-title">Output</h2>
          <pre id="logs">Click a resource to see its output.</pre>
          <script>
            let selected = null;
            const text = s => document.createTextNode(s ?? "");
            async function refresh() {
              const resources = await (await fetch("/api/resources")).json();
              const body = document.getElementById("resources");
              body.replaceChildren(...resources.map(r => {
                const row = document.createElement("tr");
                row.onclick = () => { selected = r.name; refresh(); };
                const cells = [r.name, r.type, r.state, r.url, String(r.restarts), r.pids.join(" ")];
                cells.forEach((value, i) => {
                  const cell = document.createElement("td");
                  if (i === 2) cell.className = value;
                  if (i === 3 && value && value.startsWith("http")) {
                    const link = document.createElement("a"); link.href = value; link.append(text(value)); cell.append(link);
                  } else { cell.append(text(value)); }
                  row.append(cell);
                });
                return row;
              }));
              if (selected) {
                document.getElementById("logs-title").textContent = "Output of " + selected;
                const response = await fetch("/api/resources/" + encodeURIComponent(selected) + "/logs");
                const logs = document.getElementById("logs");
                logs.textContent = response.ok ? await response.text() : "(no output yet)";
                logs.scrollTop = logs.scrollHeight;
              }
            }
            refresh(); setInterval(refresh, 2000);
          </script>
        </body>
        </html>
        """;
}
