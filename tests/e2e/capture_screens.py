#!/usr/bin/env python3
"""Capture real Claude Code 2.1.332 screens (120x40, plain + `-e`) driven by the stand-in.

Writes NAME.txt (capture-pane -p), NAME.ansi (capture-pane -p -e) and NAME.note (what was done and
what the screen shows, with the state a classifier should report) into tests/e2e/screens/ (or
--out DIR), and an INDEX.md. No sb involved.

    SB_E2E_CACHE=/work/cache/claude python3 tests/e2e/capture_screens.py [--out DIR]
"""

import argparse
import os
import sys
import time

sys.dont_write_bytecode = True  # no __pycache__ in the repo
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness as h  # noqa: E402

INDEX = []


def save(cl, out, name, state, note):
    cl.save_screen(out, name, "state: %s\n%s" % (state, note))
    INDEX.append((name, state, note.split("\n")[0]))
    sys.stderr.write("saved %s\n" % name)


def clear_box(cl):
    """Empty the input box (C-u kills one line; BSpace joins it with the one above)."""
    for _ in range(4):
        cl.keys("C-u")
        cl.keys("BSpace")
    time.sleep(0.5)


def try_wait(fn, *a, **k):
    try:
        return fn(*a, **k)
    except h.Timeout as e:
        sys.stderr.write("warning: %s\n" % e)
        return None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=os.path.join(h.HERE, "screens"))
    a = ap.parse_args()
    out = a.out
    with h.Env(focus_events=False) as env:  # tmux's default, as most people have it
        # --- default (auto) mode, first screen
        auto = env.start_claude("auto")
        auto.wait_ready(60)
        time.sleep(1)
        save(auto, out, "idle-startup-auto-mode", "idle",
             "Fresh start in the default permission mode (auto) with a pre-seeded HOME; auto-mode notice, empty box.")

        cl = env.start_claude("cap", permissions_default=True)
        cl.wait_ready(60)
        time.sleep(1)
        save(cl, out, "idle-startup-manual-mode", "idle",
             "Fresh start with permissions.defaultMode=default ('manual mode on'), empty input box.")

        # --- busy: waiting for the first token
        cl.paste_submit("wait for it SB_DELAY:6")
        time.sleep(2.5)
        save(cl, out, "busy-waiting-first-token", "busy",
             "Turn submitted, the stand-in holds the response for 6 s: spinner, 'esc to interrupt'.")
        cl.wait_idle(30)

        # --- busy: slow streaming, then a queued message
        cl.paste_submit("please be slow SB_SLOW:12")
        time.sleep(3)
        save(cl, out, "busy-streaming-slow-reply", "busy",
             "The stand-in streams one word every ~0.5 s: spinner line '<glyph> <Verb>… (Ns · ↓ N tokens)'.")
        cl.paste_submit("this one is queued while busy MARK-queued")
        time.sleep(1.2)
        save(cl, out, "busy-with-queued-message", "busy",
             "A paste+Enter sent while busy: shown as '❯ …' with 'Queued · ctrl+x ctrl+s to send now'; box shows"
             " the dim placeholder 'Press up to edit queued messages' (not a draft).")
        cl.wait_idle(40)
        time.sleep(0.5)
        save(cl, out, "idle-after-queued-message-ran", "idle",
             "After the slow reply the queued message was submitted as its own turn and answered.")

        # --- Bash permission prompt
        marker = os.path.join(env.dir, "bash-marker")
        cl.paste_submit("run it SB_BASH: touch %s" % marker)
        try_wait(cl.wait_screen, lambda s: "Do you want to proceed?" in s, 20, "bash prompt")
        time.sleep(0.7)
        save(cl, out, "bash-permission-prompt", "waiting_select",
             "Bash tool_use in manual mode: 'Bash command' dialog, question 'Do you want to proceed?', options"
             " 1. Yes / 2. Yes, and always allow access to … / 3. Yes, and switch to auto mode … / 4. No.")
        cl.keys("Down")
        time.sleep(0.5)
        save(cl, out, "bash-permission-prompt-after-Down", "waiting_select",
             "The same prompt after one Down key: the ❯ cursor is on option 2.")
        cl.keys("Up")
        time.sleep(0.3)
        cl.keys("1")
        try_wait(cl.wait_idle, 30)
        time.sleep(0.5)
        save(cl, out, "idle-after-bash-approved", "idle",
             "After pressing '1': the command ran ('Ran 1 shell command'), the turn finished. marker exists: %s"
             % os.path.exists(marker))

        # --- Bash prompt answered by a paste+Enter (the hazard sb guards against)
        marker2 = os.path.join(env.dir, "bash-marker-2")
        cl.paste_submit("run it SB_BASH: touch %s" % marker2)
        try_wait(cl.wait_screen, lambda s: "Do you want to proceed?" in s, 20, "bash prompt")
        time.sleep(0.7)
        cl.paste_submit("an unrelated message pasted into the open prompt")
        time.sleep(2)
        save(cl, out, "bash-prompt-after-paste-enter", "idle",
             "A paste+Enter sent into an open Bash prompt APPROVED it (marker created: %s); the pasted text is lost."
             % os.path.exists(marker2))
        try_wait(cl.wait_idle, 20)

        # --- Bash tool running (busy)
        cl.paste_submit("run long SB_BASH: python3 -c 'import time; [print(\"tick\", i, flush=True) or time.sleep(1) for i in range(8)]'")
        try_wait(cl.wait_screen, lambda s: "Do you want to proceed?" in s, 20, "bash prompt")
        time.sleep(0.5)
        cl.keys("1")
        time.sleep(3.5)
        save(cl, out, "busy-bash-tool-running", "busy",
             "An approved Bash command is running (prints a tick every second).")
        try_wait(cl.wait_idle, 30)

        # --- Escape on a permission prompt -> interrupted
        cl.paste_submit("run it SB_BASH: touch %s" % os.path.join(env.dir, "never"))
        try_wait(cl.wait_screen, lambda s: "Do you want to proceed?" in s, 20, "bash prompt")
        time.sleep(0.5)
        cl.keys("Escape")
        time.sleep(1.5)
        save(cl, out, "interrupted-what-should-claude-do", "waiting_text",
             "Escape on a Bash prompt: 'Interrupted · What should Claude do instead?' above an empty prompt.")

        # --- Edit approval
        f = os.path.join(cl.workdir, "notes.txt")
        with open(f, "w") as fh:
            fh.write("first line\nsecond line\n")
        cl.paste_submit("edit the notes SB_EDIT: %s" % f)
        ok = try_wait(cl.wait_screen, lambda s: "Do you want to make this edit" in s, 20, "edit prompt")
        time.sleep(0.7)
        save(cl, out, "edit-approval-prompt", "waiting_select",
             "Read then Edit tool_use: 'Edit file' dialog with a diff, 'Do you want to make this edit to notes.txt?',"
             " options 1. Yes / 2. Yes, and switch to accept edits … / 3. No.")
        if ok:
            cl.keys("1")
        try_wait(cl.wait_idle, 30)

        # --- AskUserQuestion (single)
        cl.paste_submit("ask me SB_ASK")
        try_wait(cl.wait_screen, lambda s: "Which colour" in s, 20, "ask")
        time.sleep(0.7)
        save(cl, out, "askuserquestion-single", "waiting_select",
             "AskUserQuestion with one single-select question: 'Which colour should the banner be?', options Red,"
             " Green, Blue (with descriptions), 'Type something.', and 'Chat about this' below a rule.")
        cl.keys("Down", "Down", "Down")
        time.sleep(0.5)
        save(cl, out, "askuserquestion-type-something-focused", "waiting_select",
             "The same dialog with the cursor on the editable 'Type something.' row.")
        cl.keys("Escape")
        time.sleep(1)
        try_wait(cl.wait_idle, 20)

        # --- AskUserQuestion (two questions)
        cl.paste_submit("ask me twice SB_ASK2")
        try_wait(cl.wait_screen, lambda s: "Which database" in s, 20, "ask2")
        time.sleep(0.7)
        save(cl, out, "askuserquestion-two-questions-tab1", "waiting_select",
             "AskUserQuestion with two questions: tab row ☐ Database ☐ Features ✔ Submit; first question shown.")
        cl.keys("1")
        time.sleep(0.8)
        save(cl, out, "askuserquestion-two-questions-tab2-multiselect", "waiting_select",
             "After choosing 1 on the first tab: the multi-select 'Which features do you want?' with [ ] boxes.")
        cl.keys("Escape")
        time.sleep(1)
        try_wait(cl.wait_idle, 20)

        # --- prose question
        cl.paste_submit("anything to ask? SB_QUESTION")
        try_wait(cl.wait_idle, 20)
        time.sleep(0.5)
        save(cl, out, "prose-question-empty-prompt", "waiting_text",
             "The last assistant message ends with a question ('Should I deploy the build to staging now?'),"
             " the prompt box is empty.")

        # --- draft
        cl.keys("-l", "a draft that is not sent yet")
        time.sleep(0.8)
        save(cl, out, "idle-typed-draft", "idle",
             "Typed (send-keys -l) but not submitted: draft 'a draft that is not sent yet' in the box.")
        clear_box(cl)
        cl.paste_submit("line one of a pasted draft\nline two", enter=False)
        time.sleep(0.8)
        save(cl, out, "idle-pasted-multiline-draft", "idle",
             "A two-line bracketed paste without Enter: the text sits in the box as a draft.")
        clear_box(cl)

        # --- /clear
        cl.keys("-l", "/clear")
        time.sleep(0.5)
        save(cl, out, "idle-slash-command-list", "idle",
             "Typing '/clear' opens the slash-command list; still idle with draft '/clear'.")
        cl.keys("Enter")
        time.sleep(1.5)
        try_wait(cl.wait_idle, 20)
        save(cl, out, "idle-after-clear", "idle", "After /clear: the conversation is cleared, empty box.")

        # --- MCP tool permission prompt (a stub MCP server registered as session-bridge)
        m = env.start_claude("mcp", permissions_default=True, gated=True,
                             extra_env={"FAKE_MCP_LOG": os.path.join(env.dir, "fake-mcp.jsonl")})
        m.cli("mcp", "add", "-s", "user", "session-bridge", "--", sys.executable,
              os.path.join(h.HERE, "fake_mcp.py"))
        m.release()
        m.wait_ready(60)
        m.paste_submit("tell bob SB_MCP_SEND: bob hello from the stand-in")
        if try_wait(m.wait_screen, lambda s: "Do you want to proceed?" in s, 20, "mcp prompt"):
            time.sleep(0.7)
            save(m, out, "mcp-tool-permission-prompt", "waiting_select",
                 "A call of mcp__session-bridge__send (after ToolSearch loaded it): 'Tool use' dialog"
                 " 'session-bridge — Send Tool: (MCP)' with the arguments, 'Do you want to proceed?',"
                 " options 1. Yes / 2. Yes, and don't ask again for session-bridge — … / 3. No.")
            m.keys("1")
            try_wait(m.wait_idle, 20)

        # --- the focus-events notice (tmux default focus-events off) above the box
        n = env.start_claude("notice", permissions_default=True)
        n.wait_ready(60)
        for _ in range(10):
            n.paste_submit("anything to ask? SB_QUESTION")
            try_wait(n.wait_idle, 20)
            time.sleep(0.5)
            if "focus-events off" in n.screen():
                save(n, out, "prose-question-with-focus-events-notice", "waiting_text",
                     "As prose-question-empty-prompt, with Claude Code's 'tmux focus-events off · …' notice on"
                     " the line above the input box (it appears by itself some seconds into a session when"
                     " tmux has focus-events off, tmux's default).")
                n.paste_submit("run it SB_BASH: touch %s" % os.path.join(env.dir, "never2"))
                if try_wait(n.wait_screen, lambda s: "Do you want to proceed?" in s, 20, "bash prompt"):
                    time.sleep(0.5)
                    n.keys("Escape")
                    time.sleep(1.5)
                    save(n, out, "interrupted-with-focus-events-notice", "waiting_text",
                         "'Interrupted · What should Claude do instead?', then the 'tmux focus-events off · …'"
                         " notice line, then the empty box.")
                break
            time.sleep(2)

    with open(os.path.join(out, "INDEX.md"), "w") as f:
        f.write("# Captured screens (Claude Code 2.1.332, tmux 3.3a, 120x40)\n\n"
                "Made by `capture_screens.py` against the stand-in. Each NAME has NAME.txt (`capture-pane -p`),"
                " NAME.ansi (`capture-pane -p -e`) and NAME.note (how it was reached, expected state).\n\n"
                "| screen | expected state | what it shows |\n|---|---|---|\n")
        for name, state, note in INDEX:
            f.write("| %s | %s | %s |\n" % (name, state, note.replace("|", "\\|")))


if __name__ == "__main__":
    main()
