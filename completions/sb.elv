
use builtin;
use str;

set edit:completion:arg-completer[sb] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'sb'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'sb'= {
            cand --color 'When to colour the output'
            cand --state-dir 'State directory [default: $SESSION_BRIDGE_DIR, else ~/.claude/session-bridge]'
            cand --socket 'tmux server socket (tmux -S) [env: SB_TMUX_SOCKET; default: tmux''s own, honouring $TMUX]'
            cand --json 'Print one JSON document instead of text for people'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand register 'Bind a role to a tmux pane (the current one by default)'
            cand unregister 'Forget a role'
            cand peers 'List registered roles, whether their panes are alive, and what runs in them'
            cand send 'Send a message into a peer''s prompt as a new user turn'
            cand peek 'Show the last lines of a peer''s screen and scrollback'
            cand detect 'Tell whether a peer is busy, idle, or waiting on a menu or a question'
            cand wait 'Wait until a peer is busy, idle, waiting, or settled (not busy)'
            cand respond 'Send keys to a peer, e.g. to choose an option of its open menu'
            cand history 'Show the conversation between all roles, newest last'
            cand inbox 'Show the messages sent to one role, newest last'
            cand prompt 'Save, show, list and remove role briefings (re-injected after /clear by `sb hook session-start`)'
            cand watch 'Follow every peer''s state; notify the manager when one opens a menu or asks a question'
            cand mcp 'Serve sb''s operations as MCP tools over stdio (for Claude Code and other MCP clients)'
            cand demo 'Run a self-contained demo: three scripted agents pass a task around on a private tmux server'
            cand setup 'Wire sb into Claude Code: the SessionStart hook and the session-bridge MCP server'
            cand doctor 'Check that sb can work here: tmux, the state dir, the registered panes, the hook, the MCP server'
            cand hook 'Hooks for Claude Code, Codex and Gemini CLI (installed by `sb setup`)'
            cand generate 'Generate shell completions and man pages'
            cand agent 'A small scripted terminal agent for tests and the demo'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'sb;register'= {
            cand --pane 'tmux pane id such as %3 [default: $TMUX_PANE]'
            cand --color 'When to colour the output'
            cand --state-dir 'State directory [default: $SESSION_BRIDGE_DIR, else ~/.claude/session-bridge]'
            cand --socket 'tmux server socket (tmux -S) [env: SB_TMUX_SOCKET; default: tmux''s own, honouring $TMUX]'
            cand --json 'Print one JSON document instead of text for people'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'sb;unregister'= {
            cand --color 'When to colour the output'
            cand --state-dir 'State directory [default: $SESSION_BRIDGE_DIR, else ~/.claude/session-bridge]'
            cand --socket 'tmux server socket (tmux -S) [env: SB_TMUX_SOCKET; default: tmux''s own, honouring $TMUX]'
            cand --json 'Print one JSON document instead of text for people'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'sb;peers'= {
            cand --color 'When to colour the output'
            cand --state-dir 'State directory [default: $SESSION_BRIDGE_DIR, else ~/.claude/session-bridge]'
            cand --socket 'tmux server socket (tmux -S) [env: SB_TMUX_SOCKET; default: tmux''s own, honouring $TMUX]'
            cand --json 'Print one JSON document instead of text for people'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'sb;send'= {
            cand --from 'Sender role [default: the role of this pane ($TMUX_PANE), else `user`]'
            cand --settle-ms 'Milliseconds to wait between the paste and Enter'
            cand --when-ready 'Wait until the peer can take the message instead of refusing [default timeout: 10m]'
            cand --confirm 'Wait until the message is seen taken as a user turn (transcript, else screen); one Enter is retried if the text still sits in the box. Exit 5 when unconfirmed [default timeout: 30s]'
            cand --color 'When to colour the output'
            cand --state-dir 'State directory [default: $SESSION_BRIDGE_DIR, else ~/.claude/session-bridge]'
            cand --socket 'tmux server socket (tmux -S) [env: SB_TMUX_SOCKET; default: tmux''s own, honouring $TMUX]'
            cand --no-submit 'Paste without pressing Enter'
            cand --no-tag 'Do not prefix `[from:ROLE] `'
            cand --force 'Type even if the peer shows a menu or unsent text'
            cand --json 'Print one JSON document instead of text for people'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'sb;peek'= {
            cand -n 'How many lines'
            cand --lines 'How many lines'
            cand --color 'When to colour the output'
            cand --state-dir 'State directory [default: $SESSION_BRIDGE_DIR, else ~/.claude/session-bridge]'
            cand --socket 'tmux server socket (tmux -S) [env: SB_TMUX_SOCKET; default: tmux''s own, honouring $TMUX]'
            cand --json 'Print one JSON document instead of text for people'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'sb;detect'= {
            cand --screen 'Classify saved screen text instead (`-` reads stdin)'
            cand --lines 'Only the bottom N rows of the screen'
            cand --color 'When to colour the output'
            cand --state-dir 'State directory [default: $SESSION_BRIDGE_DIR, else ~/.claude/session-bridge]'
            cand --socket 'tmux server socket (tmux -S) [env: SB_TMUX_SOCKET; default: tmux''s own, honouring $TMUX]'
            cand --json 'Print one JSON document instead of text for people'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'sb;wait'= {
            cand --until 'The state to wait for'
            cand --timeout 'Give up after this long (500ms, 30s, 10m, 1h)'
            cand --interval 'How often to look'
            cand --color 'When to colour the output'
            cand --state-dir 'State directory [default: $SESSION_BRIDGE_DIR, else ~/.claude/session-bridge]'
            cand --socket 'tmux server socket (tmux -S) [env: SB_TMUX_SOCKET; default: tmux''s own, honouring $TMUX]'
            cand --json 'Print one JSON document instead of text for people'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'sb;respond'= {
            cand --option 'Answer the open menu by option number, only if a menu is open (guarded)'
            cand --expect 'With --option: only if the menu still has this fingerprint (from `sb detect --json`)'
            cand --color 'When to colour the output'
            cand --state-dir 'State directory [default: $SESSION_BRIDGE_DIR, else ~/.claude/session-bridge]'
            cand --socket 'tmux server socket (tmux -S) [env: SB_TMUX_SOCKET; default: tmux''s own, honouring $TMUX]'
            cand --json 'Print one JSON document instead of text for people'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'sb;history'= {
            cand -n 'How many messages (0 = all)'
            cand --limit 'How many messages (0 = all)'
            cand --role 'Only messages from or to this role'
            cand --color 'When to colour the output'
            cand --state-dir 'State directory [default: $SESSION_BRIDGE_DIR, else ~/.claude/session-bridge]'
            cand --socket 'tmux server socket (tmux -S) [env: SB_TMUX_SOCKET; default: tmux''s own, honouring $TMUX]'
            cand -f 'Keep printing new messages as they arrive (Ctrl-C to stop)'
            cand --follow 'Keep printing new messages as they arrive (Ctrl-C to stop)'
            cand --jsonl 'One JSON record per line'
            cand --json 'Print one JSON document instead of text for people'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'sb;inbox'= {
            cand -n 'How many messages (0 = all)'
            cand --limit 'How many messages (0 = all)'
            cand --color 'When to colour the output'
            cand --state-dir 'State directory [default: $SESSION_BRIDGE_DIR, else ~/.claude/session-bridge]'
            cand --socket 'tmux server socket (tmux -S) [env: SB_TMUX_SOCKET; default: tmux''s own, honouring $TMUX]'
            cand --jsonl 'One JSON record per line'
            cand --json 'Print one JSON document instead of text for people'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'sb;prompt'= {
            cand --color 'When to colour the output'
            cand --state-dir 'State directory [default: $SESSION_BRIDGE_DIR, else ~/.claude/session-bridge]'
            cand --socket 'tmux server socket (tmux -S) [env: SB_TMUX_SOCKET; default: tmux''s own, honouring $TMUX]'
            cand --json 'Print one JSON document instead of text for people'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand set 'Save a role''s briefing'
            cand get 'Print a role''s briefing'
            cand ls 'List saved briefings'
            cand rm 'Remove a role''s briefing'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'sb;prompt;set'= {
            cand -f 'Read the briefing from a file'
            cand --file 'Read the briefing from a file'
            cand --color 'When to colour the output'
            cand --state-dir 'State directory [default: $SESSION_BRIDGE_DIR, else ~/.claude/session-bridge]'
            cand --socket 'tmux server socket (tmux -S) [env: SB_TMUX_SOCKET; default: tmux''s own, honouring $TMUX]'
            cand --json 'Print one JSON document instead of text for people'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'sb;prompt;get'= {
            cand --color 'When to colour the output'
            cand --state-dir 'State directory [default: $SESSION_BRIDGE_DIR, else ~/.claude/session-bridge]'
            cand --socket 'tmux server socket (tmux -S) [env: SB_TMUX_SOCKET; default: tmux''s own, honouring $TMUX]'
            cand --json 'Print one JSON document instead of text for people'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'sb;prompt;ls'= {
            cand --color 'When to colour the output'
            cand --state-dir 'State directory [default: $SESSION_BRIDGE_DIR, else ~/.claude/session-bridge]'
            cand --socket 'tmux server socket (tmux -S) [env: SB_TMUX_SOCKET; default: tmux''s own, honouring $TMUX]'
            cand --json 'Print one JSON document instead of text for people'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'sb;prompt;rm'= {
            cand --color 'When to colour the output'
            cand --state-dir 'State directory [default: $SESSION_BRIDGE_DIR, else ~/.claude/session-bridge]'
            cand --socket 'tmux server socket (tmux -S) [env: SB_TMUX_SOCKET; default: tmux''s own, honouring $TMUX]'
            cand --json 'Print one JSON document instead of text for people'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'sb;prompt;help'= {
            cand set 'Save a role''s briefing'
            cand get 'Print a role''s briefing'
            cand ls 'List saved briefings'
            cand rm 'Remove a role''s briefing'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'sb;prompt;help;set'= {
        }
        &'sb;prompt;help;get'= {
        }
        &'sb;prompt;help;ls'= {
        }
        &'sb;prompt;help;rm'= {
        }
        &'sb;prompt;help;help'= {
        }
        &'sb;watch'= {
            cand --notify 'Role that receives the notices [default: the role of this pane]'
            cand --roles 'Only these roles (comma-separated) [default: all registered]'
            cand --interval 'How often to look at each peer'
            cand --stall-after 'Report a peer busy for longer than this once as stalled (0 = never)'
            cand --rounds 'Stop after N rounds (for scripts and tests)'
            cand --color 'When to colour the output'
            cand --state-dir 'State directory [default: $SESSION_BRIDGE_DIR, else ~/.claude/session-bridge]'
            cand --socket 'tmux server socket (tmux -S) [env: SB_TMUX_SOCKET; default: tmux''s own, honouring $TMUX]'
            cand --json 'Print one JSON document instead of text for people'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'sb;mcp'= {
            cand --color 'When to colour the output'
            cand --state-dir 'State directory [default: $SESSION_BRIDGE_DIR, else ~/.claude/session-bridge]'
            cand --socket 'tmux server socket (tmux -S) [env: SB_TMUX_SOCKET; default: tmux''s own, honouring $TMUX]'
            cand --json 'Print one JSON document instead of text for people'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'sb;demo'= {
            cand --color 'When to colour the output'
            cand --state-dir 'State directory [default: $SESSION_BRIDGE_DIR, else ~/.claude/session-bridge]'
            cand --socket 'tmux server socket (tmux -S) [env: SB_TMUX_SOCKET; default: tmux''s own, honouring $TMUX]'
            cand --keep 'Leave the tmux server running afterwards'
            cand --json 'Print one JSON document instead of text for people'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'sb;setup'= {
            cand --agent 'The agent to wire'
            cand --color 'When to colour the output'
            cand --state-dir 'State directory [default: $SESSION_BRIDGE_DIR, else ~/.claude/session-bridge]'
            cand --socket 'tmux server socket (tmux -S) [env: SB_TMUX_SOCKET; default: tmux''s own, honouring $TMUX]'
            cand --dry-run 'Show what would change (a diff of settings.json, the claude command) and change nothing'
            cand --uninstall 'Remove what `sb setup` added: sb''s hook entry and the session-bridge MCP server'
            cand --json 'Print one JSON document instead of text for people'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'sb;doctor'= {
            cand --color 'When to colour the output'
            cand --state-dir 'State directory [default: $SESSION_BRIDGE_DIR, else ~/.claude/session-bridge]'
            cand --socket 'tmux server socket (tmux -S) [env: SB_TMUX_SOCKET; default: tmux''s own, honouring $TMUX]'
            cand --json 'Print one JSON document instead of text for people'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'sb;hook'= {
            cand --color 'When to colour the output'
            cand --state-dir 'State directory [default: $SESSION_BRIDGE_DIR, else ~/.claude/session-bridge]'
            cand --socket 'tmux server socket (tmux -S) [env: SB_TMUX_SOCKET; default: tmux''s own, honouring $TMUX]'
            cand --json 'Print one JSON document instead of text for people'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand session-start 'Print this pane''s role briefing for Claude Code''s SessionStart hook'
            cand before-agent 'Print this pane''s role briefing for Gemini CLI''s BeforeAgent hook, once per session'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'sb;hook;session-start'= {
            cand --color 'When to colour the output'
            cand --state-dir 'State directory [default: $SESSION_BRIDGE_DIR, else ~/.claude/session-bridge]'
            cand --socket 'tmux server socket (tmux -S) [env: SB_TMUX_SOCKET; default: tmux''s own, honouring $TMUX]'
            cand --json 'Print one JSON document instead of text for people'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'sb;hook;before-agent'= {
            cand --color 'When to colour the output'
            cand --state-dir 'State directory [default: $SESSION_BRIDGE_DIR, else ~/.claude/session-bridge]'
            cand --socket 'tmux server socket (tmux -S) [env: SB_TMUX_SOCKET; default: tmux''s own, honouring $TMUX]'
            cand --json 'Print one JSON document instead of text for people'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'sb;hook;help'= {
            cand session-start 'Print this pane''s role briefing for Claude Code''s SessionStart hook'
            cand before-agent 'Print this pane''s role briefing for Gemini CLI''s BeforeAgent hook, once per session'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'sb;hook;help;session-start'= {
        }
        &'sb;hook;help;before-agent'= {
        }
        &'sb;hook;help;help'= {
        }
        &'sb;generate'= {
            cand --color 'When to colour the output'
            cand --state-dir 'State directory [default: $SESSION_BRIDGE_DIR, else ~/.claude/session-bridge]'
            cand --socket 'tmux server socket (tmux -S) [env: SB_TMUX_SOCKET; default: tmux''s own, honouring $TMUX]'
            cand --json 'Print one JSON document instead of text for people'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand completions 'Write completion scripts for every shell into DIR'
            cand man 'Write sb.1 and one page per subcommand into DIR'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'sb;generate;completions'= {
            cand --color 'When to colour the output'
            cand --state-dir 'State directory [default: $SESSION_BRIDGE_DIR, else ~/.claude/session-bridge]'
            cand --socket 'tmux server socket (tmux -S) [env: SB_TMUX_SOCKET; default: tmux''s own, honouring $TMUX]'
            cand --json 'Print one JSON document instead of text for people'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'sb;generate;man'= {
            cand --color 'When to colour the output'
            cand --state-dir 'State directory [default: $SESSION_BRIDGE_DIR, else ~/.claude/session-bridge]'
            cand --socket 'tmux server socket (tmux -S) [env: SB_TMUX_SOCKET; default: tmux''s own, honouring $TMUX]'
            cand --json 'Print one JSON document instead of text for people'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'sb;generate;help'= {
            cand completions 'Write completion scripts for every shell into DIR'
            cand man 'Write sb.1 and one page per subcommand into DIR'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'sb;generate;help;completions'= {
        }
        &'sb;generate;help;man'= {
        }
        &'sb;generate;help;help'= {
        }
        &'sb;agent'= {
            cand --record 'Append every byte received to FILE'
            cand --screen 'Draw FILE as the screen, redrawn when it changes'
            cand --reply 'Canned reply after each submitted message'
            cand --think-ms 'Milliseconds to look busy before replying'
            cand --then 'Shell command to run once after the first reply'
            cand --transcript 'Append submitted messages as user turns to this JSONL transcript'
            cand --swallow-enters 'Ignore the first N Enter presses'
            cand --color 'When to colour the output'
            cand --state-dir 'State directory [default: $SESSION_BRIDGE_DIR, else ~/.claude/session-bridge]'
            cand --socket 'tmux server socket (tmux -S) [env: SB_TMUX_SOCKET; default: tmux''s own, honouring $TMUX]'
            cand --json 'Print one JSON document instead of text for people'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'sb;help'= {
            cand register 'Bind a role to a tmux pane (the current one by default)'
            cand unregister 'Forget a role'
            cand peers 'List registered roles, whether their panes are alive, and what runs in them'
            cand send 'Send a message into a peer''s prompt as a new user turn'
            cand peek 'Show the last lines of a peer''s screen and scrollback'
            cand detect 'Tell whether a peer is busy, idle, or waiting on a menu or a question'
            cand wait 'Wait until a peer is busy, idle, waiting, or settled (not busy)'
            cand respond 'Send keys to a peer, e.g. to choose an option of its open menu'
            cand history 'Show the conversation between all roles, newest last'
            cand inbox 'Show the messages sent to one role, newest last'
            cand prompt 'Save, show, list and remove role briefings (re-injected after /clear by `sb hook session-start`)'
            cand watch 'Follow every peer''s state; notify the manager when one opens a menu or asks a question'
            cand mcp 'Serve sb''s operations as MCP tools over stdio (for Claude Code and other MCP clients)'
            cand demo 'Run a self-contained demo: three scripted agents pass a task around on a private tmux server'
            cand setup 'Wire sb into Claude Code: the SessionStart hook and the session-bridge MCP server'
            cand doctor 'Check that sb can work here: tmux, the state dir, the registered panes, the hook, the MCP server'
            cand hook 'Hooks for Claude Code, Codex and Gemini CLI (installed by `sb setup`)'
            cand generate 'Generate shell completions and man pages'
            cand agent 'A small scripted terminal agent for tests and the demo'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'sb;help;register'= {
        }
        &'sb;help;unregister'= {
        }
        &'sb;help;peers'= {
        }
        &'sb;help;send'= {
        }
        &'sb;help;peek'= {
        }
        &'sb;help;detect'= {
        }
        &'sb;help;wait'= {
        }
        &'sb;help;respond'= {
        }
        &'sb;help;history'= {
        }
        &'sb;help;inbox'= {
        }
        &'sb;help;prompt'= {
            cand set 'Save a role''s briefing'
            cand get 'Print a role''s briefing'
            cand ls 'List saved briefings'
            cand rm 'Remove a role''s briefing'
        }
        &'sb;help;prompt;set'= {
        }
        &'sb;help;prompt;get'= {
        }
        &'sb;help;prompt;ls'= {
        }
        &'sb;help;prompt;rm'= {
        }
        &'sb;help;watch'= {
        }
        &'sb;help;mcp'= {
        }
        &'sb;help;demo'= {
        }
        &'sb;help;setup'= {
        }
        &'sb;help;doctor'= {
        }
        &'sb;help;hook'= {
            cand session-start 'Print this pane''s role briefing for Claude Code''s SessionStart hook'
            cand before-agent 'Print this pane''s role briefing for Gemini CLI''s BeforeAgent hook, once per session'
        }
        &'sb;help;hook;session-start'= {
        }
        &'sb;help;hook;before-agent'= {
        }
        &'sb;help;generate'= {
            cand completions 'Write completion scripts for every shell into DIR'
            cand man 'Write sb.1 and one page per subcommand into DIR'
        }
        &'sb;help;generate;completions'= {
        }
        &'sb;help;generate;man'= {
        }
        &'sb;help;agent'= {
        }
        &'sb;help;help'= {
        }
    ]
    $completions[$command]
}
