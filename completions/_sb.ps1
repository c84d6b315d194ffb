
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'sb' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'sb'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'sb' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the output')
            [CompletionResult]::new('--state-dir', '--state-dir', [CompletionResultType]::ParameterName, 'State directory [default: $SESSION_BRIDGE_DIR, else ~/.claude/session-bridge]')
            [CompletionResult]::new('--socket', '--socket', [CompletionResultType]::ParameterName, 'tmux server socket (tmux -S) [env: SB_TMUX_SOCKET; default: tmux''s own, honouring $TMUX]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document instead of text for people')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('register', 'register', [CompletionResultType]::ParameterValue, 'Bind a role to a tmux pane (the current one by default)')
            [CompletionResult]::new('unregister', 'unregister', [CompletionResultType]::ParameterValue, 'Forget a role')
            [CompletionResult]::new('peers', 'peers', [CompletionResultType]::ParameterValue, 'List registered roles, whether their panes are alive, and what runs in them')
            [CompletionResult]::new('send', 'send', [CompletionResultType]::ParameterValue, 'Send a message into a peer''s prompt as a new user turn')
            [CompletionResult]::new('peek', 'peek', [CompletionResultType]::ParameterValue, 'Show the last lines of a peer''s screen and scrollback')
            [CompletionResult]::new('detect', 'detect', [CompletionResultType]::ParameterValue, 'Tell whether a peer is busy, idle, or waiting on a menu or a question')
            [CompletionResult]::new('wait', 'wait', [CompletionResultType]::ParameterValue, 'Wait until a peer is busy, idle, waiting, or settled (not busy)')
            [CompletionResult]::new('respond', 'respond', [CompletionResultType]::ParameterValue, 'Send keys to a peer, e.g. to choose an option of its open menu')
            [CompletionResult]::new('history', 'history', [CompletionResultType]::ParameterValue, 'Show the conversation between all roles, newest last')
            [CompletionResult]::new('inbox', 'inbox', [CompletionResultType]::ParameterValue, 'Show the messages sent to one role, newest last')
            [CompletionResult]::new('prompt', 'prompt', [CompletionResultType]::ParameterValue, 'Save, show, list and remove role briefings (re-injected after /clear by `sb hook session-start`)')
            [CompletionResult]::new('watch', 'watch', [CompletionResultType]::ParameterValue, 'Follow every peer''s state; notify the manager when one opens a menu or asks a question')
            [CompletionResult]::new('mcp', 'mcp', [CompletionResultType]::ParameterValue, 'Serve sb''s operations as MCP tools over stdio (for Claude Code and other MCP clients)')
            [CompletionResult]::new('demo', 'demo', [CompletionResultType]::ParameterValue, 'Run a self-contained demo: three scripted agents pass a task around on a private tmux server')
            [CompletionResult]::new('setup', 'setup', [CompletionResultType]::ParameterValue, 'Wire sb into Claude Code: the SessionStart hook and the session-bridge MCP server')
            [CompletionResult]::new('doctor', 'doctor', [CompletionResultType]::ParameterValue, 'Check that sb can work here: tmux, the state dir, the registered panes, the hook, the MCP server')
            [CompletionResult]::new('hook', 'hook', [CompletionResultType]::ParameterValue, 'Hooks for Claude Code, Codex and Gemini CLI (installed by `sb setup`)')
            [CompletionResult]::new('generate', 'generate', [CompletionResultType]::ParameterValue, 'Generate shell completions and man pages')
            [CompletionResult]::new('agent', 'agent', [CompletionResultType]::ParameterValue, 'A small scripted terminal agent for tests and the demo')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'sb;register' {
            [CompletionResult]::new('--pane', '--pane', [CompletionResultType]::ParameterName, 'tmux pane id such as %3 [default: $TMUX_PANE]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the output')
            [CompletionResult]::new('--state-dir', '--state-dir', [CompletionResultType]::ParameterName, 'State directory [default: $SESSION_BRIDGE_DIR, else ~/.claude/session-bridge]')
            [CompletionResult]::new('--socket', '--socket', [CompletionResultType]::ParameterName, 'tmux server socket (tmux -S) [env: SB_TMUX_SOCKET; default: tmux''s own, honouring $TMUX]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document instead of text for people')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'sb;unregister' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the output')
            [CompletionResult]::new('--state-dir', '--state-dir', [CompletionResultType]::ParameterName, 'State directory [default: $SESSION_BRIDGE_DIR, else ~/.claude/session-bridge]')
            [CompletionResult]::new('--socket', '--socket', [CompletionResultType]::ParameterName, 'tmux server socket (tmux -S) [env: SB_TMUX_SOCKET; default: tmux''s own, honouring $TMUX]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document instead of text for people')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'sb;peers' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the output')
            [CompletionResult]::new('--state-dir', '--state-dir', [CompletionResultType]::ParameterName, 'State directory [default: $SESSION_BRIDGE_DIR, else ~/.claude/session-bridge]')
            [CompletionResult]::new('--socket', '--socket', [CompletionResultType]::ParameterName, 'tmux server socket (tmux -S) [env: SB_TMUX_SOCKET; default: tmux''s own, honouring $TMUX]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document instead of text for people')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'sb;send' {
            [CompletionResult]::new('--from', '--from', [CompletionResultType]::ParameterName, 'Sender role [default: the role of this pane ($TMUX_PANE), else `user`]')
            [CompletionResult]::new('--settle-ms', '--settle-ms', [CompletionResultType]::ParameterName, 'Milliseconds to wait between the paste and Enter')
            [CompletionResult]::new('--when-ready', '--when-ready', [CompletionResultType]::ParameterName, 'Wait until the peer can take the message instead of refusing [default timeout: 10m]')
            [CompletionResult]::new('--confirm', '--confirm', [CompletionResultType]::ParameterName, 'Wait until the message is seen taken as a user turn (transcript, else screen); one Enter is retried if the text still sits in the box. Exit 5 when unconfirmed [default timeout: 30s]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the output')
            [CompletionResult]::new('--state-dir', '--state-dir', [CompletionResultType]::ParameterName, 'State directory [default: $SESSION_BRIDGE_DIR, else ~/.claude/session-bridge]')
            [CompletionResult]::new('--socket', '--socket', [CompletionResultType]::ParameterName, 'tmux server socket (tmux -S) [env: SB_TMUX_SOCKET; default: tmux''s own, honouring $TMUX]')
            [CompletionResult]::new('--no-submit', '--no-submit', [CompletionResultType]::ParameterName, 'Paste without pressing Enter')
            [CompletionResult]::new('--no-tag', '--no-tag', [CompletionResultType]::ParameterName, 'Do not prefix `[from:ROLE] `')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Type even if the peer shows a menu or unsent text')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document instead of text for people')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'sb;peek' {
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'How many lines')
            [CompletionResult]::new('--lines', '--lines', [CompletionResultType]::ParameterName, 'How many lines')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the output')
            [CompletionResult]::new('--state-dir', '--state-dir', [CompletionResultType]::ParameterName, 'State directory [default: $SESSION_BRIDGE_DIR, else ~/.claude/session-bridge]')
            [CompletionResult]::new('--socket', '--socket', [CompletionResultType]::ParameterName, 'tmux server socket (tmux -S) [env: SB_TMUX_SOCKET; default: tmux''s own, honouring $TMUX]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document instead of text for people')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'sb;detect' {
            [CompletionResult]::new('--screen', '--screen', [CompletionResultType]::ParameterName, 'Classify saved screen text instead (`-` reads stdin)')
            [CompletionResult]::new('--lines', '--lines', [CompletionResultType]::ParameterName, 'Only the bottom N rows of the screen')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the output')
            [CompletionResult]::new('--state-dir', '--state-dir', [CompletionResultType]::ParameterName, 'State directory [default: $SESSION_BRIDGE_DIR, else ~/.claude/session-bridge]')
            [CompletionResult]::new('--socket', '--socket', [CompletionResultType]::ParameterName, 'tmux server socket (tmux -S) [env: SB_TMUX_SOCKET; default: tmux''s own, honouring $TMUX]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document instead of text for people')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'sb;wait' {
            [CompletionResult]::new('--until', '--until', [CompletionResultType]::ParameterName, 'The state to wait for')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Give up after this long (500ms, 30s, 10m, 1h)')
            [CompletionResult]::new('--interval', '--interval', [CompletionResultType]::ParameterName, 'How often to look')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the output')
            [CompletionResult]::new('--state-dir', '--state-dir', [CompletionResultType]::ParameterName, 'State directory [default: $SESSION_BRIDGE_DIR, else ~/.claude/session-bridge]')
            [CompletionResult]::new('--socket', '--socket', [CompletionResultType]::ParameterName, 'tmux server socket (tmux -S) [env: SB_TMUX_SOCKET; default: tmux''s own, honouring $TMUX]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document instead of text for people')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'sb;respond' {
            [CompletionResult]::new('--option', '--option', [CompletionResultType]::ParameterName, 'Answer the open menu by option number, only if a menu is open (guarded)')
            [CompletionResult]::new('--expect', '--expect', [CompletionResultType]::ParameterName, 'With --option: only if the menu still has this fingerprint (from `sb detect --json`)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the output')
            [CompletionResult]::new('--state-dir', '--state-dir', [CompletionResultType]::ParameterName, 'State directory [default: $SESSION_BRIDGE_DIR, else ~/.claude/session-bridge]')
            [CompletionResult]::new('--socket', '--socket', [CompletionResultType]::ParameterName, 'tmux server socket (tmux -S) [env: SB_TMUX_SOCKET; default: tmux''s own, honouring $TMUX]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document instead of text for people')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'sb;history' {
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'How many messages (0 = all)')
            [CompletionResult]::new('--limit', '--limit', [CompletionResultType]::ParameterName, 'How many messages (0 = all)')
            [CompletionResult]::new('--role', '--role', [CompletionResultType]::ParameterName, 'Only messages from or to this role')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the output')
            [CompletionResult]::new('--state-dir', '--state-dir', [CompletionResultType]::ParameterName, 'State directory [default: $SESSION_BRIDGE_DIR, else ~/.claude/session-bridge]')
            [CompletionResult]::new('--socket', '--socket', [CompletionResultType]::ParameterName, 'tmux server socket (tmux -S) [env: SB_TMUX_SOCKET; default: tmux''s own, honouring $TMUX]')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Keep printing new messages as they arrive (Ctrl-C to stop)')
            [CompletionResult]::new('--follow', '--follow', [CompletionResultType]::ParameterName, 'Keep printing new messages as they arrive (Ctrl-C to stop)')
            [CompletionResult]::new('--jsonl', '--jsonl', [CompletionResultType]::ParameterName, 'One JSON record per line')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document instead of text for people')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'sb;inbox' {
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'How many messages (0 = all)')
            [CompletionResult]::new('--limit', '--limit', [CompletionResultType]::ParameterName, 'How many messages (0 = all)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the output')
            [CompletionResult]::new('--state-dir', '--state-dir', [CompletionResultType]::ParameterName, 'State directory [default: $SESSION_BRIDGE_DIR, else ~/.claude/session-bridge]')
            [CompletionResult]::new('--socket', '--socket', [CompletionResultType]::ParameterName, 'tmux server socket (tmux -S) [env: SB_TMUX_SOCKET; default: tmux''s own, honouring $TMUX]')
            [CompletionResult]::new('--jsonl', '--jsonl', [CompletionResultType]::ParameterName, 'One JSON record per line')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document instead of text for people')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'sb;prompt' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the output')
            [CompletionResult]::new('--state-dir', '--state-dir', [CompletionResultType]::ParameterName, 'State directory [default: $SESSION_BRIDGE_DIR, else ~/.claude/session-bridge]')
            [CompletionResult]::new('--socket', '--socket', [CompletionResultType]::ParameterName, 'tmux server socket (tmux -S) [env: SB_TMUX_SOCKET; default: tmux''s own, honouring $TMUX]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document instead of text for people')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('set', 'set', [CompletionResultType]::ParameterValue, 'Save a role''s briefing')
            [CompletionResult]::new('get', 'get', [CompletionResultType]::ParameterValue, 'Print a role''s briefing')
            [CompletionResult]::new('ls', 'ls', [CompletionResultType]::ParameterValue, 'List saved briefings')
            [CompletionResult]::new('rm', 'rm', [CompletionResultType]::ParameterValue, 'Remove a role''s briefing')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'sb;prompt;set' {
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Read the briefing from a file')
            [CompletionResult]::new('--file', '--file', [CompletionResultType]::ParameterName, 'Read the briefing from a file')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the output')
            [CompletionResult]::new('--state-dir', '--state-dir', [CompletionResultType]::ParameterName, 'State directory [default: $SESSION_BRIDGE_DIR, else ~/.claude/session-bridge]')
            [CompletionResult]::new('--socket', '--socket', [CompletionResultType]::ParameterName, 'tmux server socket (tmux -S) [env: SB_TMUX_SOCKET; default: tmux''s own, honouring $TMUX]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document instead of text for people')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'sb;prompt;get' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the output')
            [CompletionResult]::new('--state-dir', '--state-dir', [CompletionResultType]::ParameterName, 'State directory [default: $SESSION_BRIDGE_DIR, else ~/.claude/session-bridge]')
            [CompletionResult]::new('--socket', '--socket', [CompletionResultType]::ParameterName, 'tmux server socket (tmux -S) [env: SB_TMUX_SOCKET; default: tmux''s own, honouring $TMUX]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document instead of text for people')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'sb;prompt;ls' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the output')
            [CompletionResult]::new('--state-dir', '--state-dir', [CompletionResultType]::ParameterName, 'State directory [default: $SESSION_BRIDGE_DIR, else ~/.claude/session-bridge]')
            [CompletionResult]::new('--socket', '--socket', [CompletionResultType]::ParameterName, 'tmux server socket (tmux -S) [env: SB_TMUX_SOCKET; default: tmux''s own, honouring $TMUX]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document instead of text for people')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'sb;prompt;rm' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the output')
            [CompletionResult]::new('--state-dir', '--state-dir', [CompletionResultType]::ParameterName, 'State directory [default: $SESSION_BRIDGE_DIR, else ~/.claude/session-bridge]')
            [CompletionResult]::new('--socket', '--socket', [CompletionResultType]::ParameterName, 'tmux server socket (tmux -S) [env: SB_TMUX_SOCKET; default: tmux''s own, honouring $TMUX]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document instead of text for people')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'sb;prompt;help' {
            [CompletionResult]::new('set', 'set', [CompletionResultType]::ParameterValue, 'Save a role''s briefing')
            [CompletionResult]::new('get', 'get', [CompletionResultType]::ParameterValue, 'Print a role''s briefing')
            [CompletionResult]::new('ls', 'ls', [CompletionResultType]::ParameterValue, 'List saved briefings')
            [CompletionResult]::new('rm', 'rm', [CompletionResultType]::ParameterValue, 'Remove a role''s briefing')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'sb;prompt;help;set' {
            break
        }
        'sb;prompt;help;get' {
            break
        }
        'sb;prompt;help;ls' {
            break
        }
        'sb;prompt;help;rm' {
            break
        }
        'sb;prompt;help;help' {
            break
        }
        'sb;watch' {
            [CompletionResult]::new('--notify', '--notify', [CompletionResultType]::ParameterName, 'Role that receives the notices [default: the role of this pane]')
            [CompletionResult]::new('--roles', '--roles', [CompletionResultType]::ParameterName, 'Only these roles (comma-separated) [default: all registered]')
            [CompletionResult]::new('--interval', '--interval', [CompletionResultType]::ParameterName, 'How often to look at each peer')
            [CompletionResult]::new('--stall-after', '--stall-after', [CompletionResultType]::ParameterName, 'Report a peer busy for longer than this once as stalled (0 = never)')
            [CompletionResult]::new('--rounds', '--rounds', [CompletionResultType]::ParameterName, 'Stop after N rounds (for scripts and tests)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the output')
            [CompletionResult]::new('--state-dir', '--state-dir', [CompletionResultType]::ParameterName, 'State directory [default: $SESSION_BRIDGE_DIR, else ~/.claude/session-bridge]')
            [CompletionResult]::new('--socket', '--socket', [CompletionResultType]::ParameterName, 'tmux server socket (tmux -S) [env: SB_TMUX_SOCKET; default: tmux''s own, honouring $TMUX]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document instead of text for people')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'sb;mcp' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the output')
            [CompletionResult]::new('--state-dir', '--state-dir', [CompletionResultType]::ParameterName, 'State directory [default: $SESSION_BRIDGE_DIR, else ~/.claude/session-bridge]')
            [CompletionResult]::new('--socket', '--socket', [CompletionResultType]::ParameterName, 'tmux server socket (tmux -S) [env: SB_TMUX_SOCKET; default: tmux''s own, honouring $TMUX]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document instead of text for people')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'sb;demo' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the output')
            [CompletionResult]::new('--state-dir', '--state-dir', [CompletionResultType]::ParameterName, 'State directory [default: $SESSION_BRIDGE_DIR, else ~/.claude/session-bridge]')
            [CompletionResult]::new('--socket', '--socket', [CompletionResultType]::ParameterName, 'tmux server socket (tmux -S) [env: SB_TMUX_SOCKET; default: tmux''s own, honouring $TMUX]')
            [CompletionResult]::new('--keep', '--keep', [CompletionResultType]::ParameterName, 'Leave the tmux server running afterwards')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document instead of text for people')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'sb;setup' {
            [CompletionResult]::new('--agent', '--agent', [CompletionResultType]::ParameterName, 'The agent to wire')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the output')
            [CompletionResult]::new('--state-dir', '--state-dir', [CompletionResultType]::ParameterName, 'State directory [default: $SESSION_BRIDGE_DIR, else ~/.claude/session-bridge]')
            [CompletionResult]::new('--socket', '--socket', [CompletionResultType]::ParameterName, 'tmux server socket (tmux -S) [env: SB_TMUX_SOCKET; default: tmux''s own, honouring $TMUX]')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Show what would change (a diff of settings.json, the claude command) and change nothing')
            [CompletionResult]::new('--uninstall', '--uninstall', [CompletionResultType]::ParameterName, 'Remove what `sb setup` added: sb''s hook entry and the session-bridge MCP server')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document instead of text for people')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'sb;doctor' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the output')
            [CompletionResult]::new('--state-dir', '--state-dir', [CompletionResultType]::ParameterName, 'State directory [default: $SESSION_BRIDGE_DIR, else ~/.claude/session-bridge]')
            [CompletionResult]::new('--socket', '--socket', [CompletionResultType]::ParameterName, 'tmux server socket (tmux -S) [env: SB_TMUX_SOCKET; default: tmux''s own, honouring $TMUX]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document instead of text for people')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'sb;hook' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the output')
            [CompletionResult]::new('--state-dir', '--state-dir', [CompletionResultType]::ParameterName, 'State directory [default: $SESSION_BRIDGE_DIR, else ~/.claude/session-bridge]')
            [CompletionResult]::new('--socket', '--socket', [CompletionResultType]::ParameterName, 'tmux server socket (tmux -S) [env: SB_TMUX_SOCKET; default: tmux''s own, honouring $TMUX]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document instead of text for people')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('session-start', 'session-start', [CompletionResultType]::ParameterValue, 'Print this pane''s role briefing for Claude Code''s SessionStart hook')
            [CompletionResult]::new('before-agent', 'before-agent', [CompletionResultType]::ParameterValue, 'Print this pane''s role briefing for Gemini CLI''s BeforeAgent hook, once per session')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'sb;hook;session-start' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the output')
            [CompletionResult]::new('--state-dir', '--state-dir', [CompletionResultType]::ParameterName, 'State directory [default: $SESSION_BRIDGE_DIR, else ~/.claude/session-bridge]')
            [CompletionResult]::new('--socket', '--socket', [CompletionResultType]::ParameterName, 'tmux server socket (tmux -S) [env: SB_TMUX_SOCKET; default: tmux''s own, honouring $TMUX]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document instead of text for people')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'sb;hook;before-agent' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the output')
            [CompletionResult]::new('--state-dir', '--state-dir', [CompletionResultType]::ParameterName, 'State directory [default: $SESSION_BRIDGE_DIR, else ~/.claude/session-bridge]')
            [CompletionResult]::new('--socket', '--socket', [CompletionResultType]::ParameterName, 'tmux server socket (tmux -S) [env: SB_TMUX_SOCKET; default: tmux''s own, honouring $TMUX]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document instead of text for people')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'sb;hook;help' {
            [CompletionResult]::new('session-start', 'session-start', [CompletionResultType]::ParameterValue, 'Print this pane''s role briefing for Claude Code''s SessionStart hook')
            [CompletionResult]::new('before-agent', 'before-agent', [CompletionResultType]::ParameterValue, 'Print this pane''s role briefing for Gemini CLI''s BeforeAgent hook, once per session')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'sb;hook;help;session-start' {
            break
        }
        'sb;hook;help;before-agent' {
            break
        }
        'sb;hook;help;help' {
            break
        }
        'sb;generate' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the output')
            [CompletionResult]::new('--state-dir', '--state-dir', [CompletionResultType]::ParameterName, 'State directory [default: $SESSION_BRIDGE_DIR, else ~/.claude/session-bridge]')
            [CompletionResult]::new('--socket', '--socket', [CompletionResultType]::ParameterName, 'tmux server socket (tmux -S) [env: SB_TMUX_SOCKET; default: tmux''s own, honouring $TMUX]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document instead of text for people')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Write completion scripts for every shell into DIR')
            [CompletionResult]::new('man', 'man', [CompletionResultType]::ParameterValue, 'Write sb.1 and one page per subcommand into DIR')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'sb;generate;completions' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the output')
            [CompletionResult]::new('--state-dir', '--state-dir', [CompletionResultType]::ParameterName, 'State directory [default: $SESSION_BRIDGE_DIR, else ~/.claude/session-bridge]')
            [CompletionResult]::new('--socket', '--socket', [CompletionResultType]::ParameterName, 'tmux server socket (tmux -S) [env: SB_TMUX_SOCKET; default: tmux''s own, honouring $TMUX]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document instead of text for people')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'sb;generate;man' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the output')
            [CompletionResult]::new('--state-dir', '--state-dir', [CompletionResultType]::ParameterName, 'State directory [default: $SESSION_BRIDGE_DIR, else ~/.claude/session-bridge]')
            [CompletionResult]::new('--socket', '--socket', [CompletionResultType]::ParameterName, 'tmux server socket (tmux -S) [env: SB_TMUX_SOCKET; default: tmux''s own, honouring $TMUX]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document instead of text for people')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'sb;generate;help' {
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Write completion scripts for every shell into DIR')
            [CompletionResult]::new('man', 'man', [CompletionResultType]::ParameterValue, 'Write sb.1 and one page per subcommand into DIR')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'sb;generate;help;completions' {
            break
        }
        'sb;generate;help;man' {
            break
        }
        'sb;generate;help;help' {
            break
        }
        'sb;agent' {
            [CompletionResult]::new('--record', '--record', [CompletionResultType]::ParameterName, 'Append every byte received to FILE')
            [CompletionResult]::new('--screen', '--screen', [CompletionResultType]::ParameterName, 'Draw FILE as the screen, redrawn when it changes')
            [CompletionResult]::new('--reply', '--reply', [CompletionResultType]::ParameterName, 'Canned reply after each submitted message')
            [CompletionResult]::new('--think-ms', '--think-ms', [CompletionResultType]::ParameterName, 'Milliseconds to look busy before replying')
            [CompletionResult]::new('--then', '--then', [CompletionResultType]::ParameterName, 'Shell command to run once after the first reply')
            [CompletionResult]::new('--transcript', '--transcript', [CompletionResultType]::ParameterName, 'Append submitted messages as user turns to this JSONL transcript')
            [CompletionResult]::new('--swallow-enters', '--swallow-enters', [CompletionResultType]::ParameterName, 'Ignore the first N Enter presses')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the output')
            [CompletionResult]::new('--state-dir', '--state-dir', [CompletionResultType]::ParameterName, 'State directory [default: $SESSION_BRIDGE_DIR, else ~/.claude/session-bridge]')
            [CompletionResult]::new('--socket', '--socket', [CompletionResultType]::ParameterName, 'tmux server socket (tmux -S) [env: SB_TMUX_SOCKET; default: tmux''s own, honouring $TMUX]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document instead of text for people')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'sb;help' {
            [CompletionResult]::new('register', 'register', [CompletionResultType]::ParameterValue, 'Bind a role to a tmux pane (the current one by default)')
            [CompletionResult]::new('unregister', 'unregister', [CompletionResultType]::ParameterValue, 'Forget a role')
            [CompletionResult]::new('peers', 'peers', [CompletionResultType]::ParameterValue, 'List registered roles, whether their panes are alive, and what runs in them')
            [CompletionResult]::new('send', 'send', [CompletionResultType]::ParameterValue, 'Send a message into a peer''s prompt as a new user turn')
            [CompletionResult]::new('peek', 'peek', [CompletionResultType]::ParameterValue, 'Show the last lines of a peer''s screen and scrollback')
            [CompletionResult]::new('detect', 'detect', [CompletionResultType]::ParameterValue, 'Tell whether a peer is busy, idle, or waiting on a menu or a question')
            [CompletionResult]::new('wait', 'wait', [CompletionResultType]::ParameterValue, 'Wait until a peer is busy, idle, waiting, or settled (not busy)')
            [CompletionResult]::new('respond', 'respond', [CompletionResultType]::ParameterValue, 'Send keys to a peer, e.g. to choose an option of its open menu')
            [CompletionResult]::new('history', 'history', [CompletionResultType]::ParameterValue, 'Show the conversation between all roles, newest last')
            [CompletionResult]::new('inbox', 'inbox', [CompletionResultType]::ParameterValue, 'Show the messages sent to one role, newest last')
            [CompletionResult]::new('prompt', 'prompt', [CompletionResultType]::ParameterValue, 'Save, show, list and remove role briefings (re-injected after /clear by `sb hook session-start`)')
            [CompletionResult]::new('watch', 'watch', [CompletionResultType]::ParameterValue, 'Follow every peer''s state; notify the manager when one opens a menu or asks a question')
            [CompletionResult]::new('mcp', 'mcp', [CompletionResultType]::ParameterValue, 'Serve sb''s operations as MCP tools over stdio (for Claude Code and other MCP clients)')
            [CompletionResult]::new('demo', 'demo', [CompletionResultType]::ParameterValue, 'Run a self-contained demo: three scripted agents pass a task around on a private tmux server')
            [CompletionResult]::new('setup', 'setup', [CompletionResultType]::ParameterValue, 'Wire sb into Claude Code: the SessionStart hook and the session-bridge MCP server')
            [CompletionResult]::new('doctor', 'doctor', [CompletionResultType]::ParameterValue, 'Check that sb can work here: tmux, the state dir, the registered panes, the hook, the MCP server')
            [CompletionResult]::new('hook', 'hook', [CompletionResultType]::ParameterValue, 'Hooks for Claude Code, Codex and Gemini CLI (installed by `sb setup`)')
            [CompletionResult]::new('generate', 'generate', [CompletionResultType]::ParameterValue, 'Generate shell completions and man pages')
            [CompletionResult]::new('agent', 'agent', [CompletionResultType]::ParameterValue, 'A small scripted terminal agent for tests and the demo')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'sb;help;register' {
            break
        }
        'sb;help;unregister' {
            break
        }
        'sb;help;peers' {
            break
        }
        'sb;help;send' {
            break
        }
        'sb;help;peek' {
            break
        }
        'sb;help;detect' {
            break
        }
        'sb;help;wait' {
            break
        }
        'sb;help;respond' {
            break
        }
        'sb;help;history' {
            break
        }
        'sb;help;inbox' {
            break
        }
        'sb;help;prompt' {
            [CompletionResult]::new('set', 'set', [CompletionResultType]::ParameterValue, 'Save a role''s briefing')
            [CompletionResult]::new('get', 'get', [CompletionResultType]::ParameterValue, 'Print a role''s briefing')
            [CompletionResult]::new('ls', 'ls', [CompletionResultType]::ParameterValue, 'List saved briefings')
            [CompletionResult]::new('rm', 'rm', [CompletionResultType]::ParameterValue, 'Remove a role''s briefing')
            break
        }
        'sb;help;prompt;set' {
            break
        }
        'sb;help;prompt;get' {
            break
        }
        'sb;help;prompt;ls' {
            break
        }
        'sb;help;prompt;rm' {
            break
        }
        'sb;help;watch' {
            break
        }
        'sb;help;mcp' {
            break
        }
        'sb;help;demo' {
            break
        }
        'sb;help;setup' {
            break
        }
        'sb;help;doctor' {
            break
        }
        'sb;help;hook' {
            [CompletionResult]::new('session-start', 'session-start', [CompletionResultType]::ParameterValue, 'Print this pane''s role briefing for Claude Code''s SessionStart hook')
            [CompletionResult]::new('before-agent', 'before-agent', [CompletionResultType]::ParameterValue, 'Print this pane''s role briefing for Gemini CLI''s BeforeAgent hook, once per session')
            break
        }
        'sb;help;hook;session-start' {
            break
        }
        'sb;help;hook;before-agent' {
            break
        }
        'sb;help;generate' {
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Write completion scripts for every shell into DIR')
            [CompletionResult]::new('man', 'man', [CompletionResultType]::ParameterValue, 'Write sb.1 and one page per subcommand into DIR')
            break
        }
        'sb;help;generate;completions' {
            break
        }
        'sb;help;generate;man' {
            break
        }
        'sb;help;agent' {
            break
        }
        'sb;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
