// Read-along: the transcript and the audio player of a transcript page kept in step. Plain script, no framework, no
// network: it works on whatever the page has rendered, so it survives Blazor's re-renders and page changes.
(() => {
    "use strict";
    let active = null;

    const player = () => document.getElementById("player");

    // A click on a segment's time (a button: Enter and Space work too) or on its text plays from there.
    document.addEventListener("click", event => {
        const target = event.target instanceof Element ? event.target.closest("[data-seek], .segment .text") : null;
        const audio = player();
        if (!target || !audio) {
            return;
        }
        const from = target.hasAttribute("data-seek") ? target.getAttribute("data-seek") : target.closest(".segment")?.getAttribute("data-start");
        if (from === null || from === undefined) {
            return;
        }
        audio.currentTime = Number(from);
        audio.play().catch(() => { /* a browser may refuse to play before the user interacts; the position is set anyway */ });
    });

    // A search hit opens the page at its time: applied once the recording's length is known.
    document.addEventListener("loadedmetadata", event => {
        const audio = event.target;
        if (audio instanceof HTMLAudioElement && audio.id === "player" && audio.dataset.startAt && !audio.dataset.started) {
            audio.dataset.started = "1";
            audio.currentTime = Number(audio.dataset.startAt);
        }
    }, true);

    // The segment being played is highlighted and kept in view.
    function sync() {
        const audio = player();
        if (!audio) {
            active = null;
            return;
        }
        const time = audio.currentTime;
        let current = null;
        for (const segment of document.querySelectorAll("#transcript .segment")) {
            if (time >= Number(segment.dataset.start) && time < Number(segment.dataset.end)) {
                current = segment;
                break;
            }
        }
        if (current === active && (current === null || current.classList.contains("playing"))) {
            return;
        }
        for (const old of document.querySelectorAll("#transcript .segment.playing")) {
            old.classList.remove("playing");
            old.removeAttribute("aria-current");
        }
        active = current;
        if (current) {
            current.classList.add("playing");
            current.setAttribute("aria-current", "true");
            current.scrollIntoView({ block: "nearest", behavior: "smooth" });
        }
    }

    document.addEventListener("timeupdate", sync, true);
    document.addEventListener("seeked", sync, true);
    // Segments arrive while the recording is transcribed, and a re-render may drop the highlight: re-checked regularly.
    setInterval(sync, 500);
})();
