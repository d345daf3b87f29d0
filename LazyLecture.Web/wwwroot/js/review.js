// Review by confidence: the "Next uncertain word" button and its key (Alt+N) play from just before the next word the engine
// was unsure of, in the segments not yet reviewed and not hidden by the filter, and move the focus to it (Tab then
// reaches that segment's Edit and Confirm). Plain script on what the page rendered, as player.js.
(() => {
    "use strict";
    let lastStart = -1; // the start (seconds) of the word last jumped to; the next one starts later

    const announce = text => {
        const status = document.getElementById("review-announcement");
        if (status) {
            status.textContent = text;
        }
    };

    const clock = seconds => {
        const s = Math.floor(seconds);
        return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
    };

    function next() {
        const audio = document.getElementById("player");
        const words = [...document.querySelectorAll("#transcript .segment:not([hidden]):not(.reviewed) mark.uncertain")];
        if (!audio) {
            return;
        }
        if (words.length === 0) {
            announce("No uncertain word is left to review here.");
            return;
        }
        // After the last one, start again from the first.
        const word = words.find(w => Number(w.dataset.start) > lastStart + 0.001) ?? words[0];
        lastStart = Number(word.dataset.start);
        for (const old of document.querySelectorAll("#transcript mark.current")) {
            old.classList.remove("current");
        }
        word.classList.add("current");
        word.focus();
        audio.currentTime = Number(word.dataset.seek);
        audio.play().catch(() => { /* a browser may refuse to play before the user interacts; the position is set anyway */ });
        announce(`"${word.firstChild?.textContent ?? ""}" at ${clock(lastStart)}, ${words.indexOf(word) + 1} of ${words.length} uncertain words left.`);
    }

    document.addEventListener("click", event => {
        if (event.target instanceof Element && event.target.closest("#next-uncertain")) {
            next();
        }
    });

    // Alt+N (by the key's place, so a keyboard layout or macOS's Option characters do not change it).
    document.addEventListener("keydown", event => {
        if (event.altKey && !event.ctrlKey && !event.metaKey && event.code === "KeyN" && document.getElementById("next-uncertain")) {
            event.preventDefault();
            next();
        }
    });
})();
