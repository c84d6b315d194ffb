# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_sb_global_optspecs
    string join \n json color= state-dir= socket= h/help V/version
end

function __fish_sb_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_sb_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_sb_using_subcommand
    set -l cmd (__fish_sb_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c sb -n "__fish_sb_needs_command" -l color -d 'When to colour the output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c sb -n "__fish_sb_needs_command" -l state-dir -d 'State directory [default: $SESSION_BRIDGE_DIR, else ~/.claude/session-bridge]' -r -F
complete -c sb -n "__fish_sb_needs_command" -l socket -d 'tmux server socket (tmux -S) [env: SB_TMUX_SOCKET; default: tmux\'s own, honouring $TMUX]' -r -F
complete -c sb -n "__fish_sb_needs_command" -l json -d 'Print one JSON document instead of text for people'
complete -c sb -n "__fish_sb_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c sb -n "__fish_sb_needs_command" -s V -l version -d 'Print version'
complete -c sb -n "__fish_sb_needs_command" -f -a "register" -d 'Bind a role to a tmux pane (the current one by default)'
complete -c sb -n "__fish_sb_needs_command" -f -a "unregister" -d 'Forget a role'
complete -c sb -n "__fish_sb_needs_command" -f -a "peers" -d 'List registered roles, whether their panes are alive, and what runs in them'
complete -c sb -n "__fish_sb_needs_command" -f -a "send" -d 'Send a message into a peer\'s prompt as a new user turn'
complete -c sb -n "__fish_sb_needs_command" -f -a "peek" -d 'Show the last lines of a peer\'s screen and scrollback'
complete -c sb -n "__fish_sb_needs_command" -f -a "detect" -d 'Tell whether a peer is busy, idle, or waiting on a menu or a question'
complete -c sb -n "__fish_sb_needs_command" -f -a "wait" -d 'Wait until a peer is busy, idle, waiting, or settled (not busy)'
complete -c sb -n "__fish_sb_needs_command" -f -a "respond" -d 'Send keys to a peer, e.g. to choose an option of its open menu'
complete -c sb -n "__fish_sb_needs_command" -f -a "history" -d 'Show the conversation between all roles, newest last'
complete -c sb -n "__fish_sb_needs_command" -f -a "inbox" -d 'Show the messages sent to one role, newest last'
complete -c sb -n "__fish_sb_needs_command" -f -a "prompt" -d 'Save, show, list and remove role briefings (re-injected after /clear by `sb hook session-start`)'
complete -c sb -n "__fish_sb_needs_command" -f -a "watch" -d 'Follow every peer\'s state; notify the manager when one opens a menu or asks a question'
complete -c sb -n "__fish_sb_needs_command" -f -a "mcp" -d 'Serve sb\'s operations as MCP tools over stdio (for Claude Code and other MCP clients)'
complete -c sb -n "__fish_sb_needs_command" -f -a "demo" -d 'Run a self-contained demo: three scripted agents pass a task around on a private tmux server'
complete -c sb -n "__fish_sb_needs_command" -f -a "setup" -d 'Wire sb into Claude Code: the SessionStart hook and the session-bridge MCP server'
complete -c sb -n "__fish_sb_needs_command" -f -a "doctor" -d 'Check that sb can work here: tmux, the state dir, the registered panes, the hook, the MCP server'
complete -c sb -n "__fish_sb_needs_command" -f -a "hook" -d 'Hooks for Claude Code, Codex and Gemini CLI (installed by `sb setup`)'
complete -c sb -n "__fish_sb_needs_command" -f -a "generate" -d 'Generate shell completions and man pages'
complete -c sb -n "__fish_sb_needs_command" -f -a "agent" -d 'A small scripted terminal agent for tests and the demo'
complete -c sb -n "__fish_sb_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c sb -n "__fish_sb_using_subcommand register" -l pane -d 'tmux pane id such as %3 [default: $TMUX_PANE]' -r
complete -c sb -n "__fish_sb_using_subcommand register" -l color -d 'When to colour the output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c sb -n "__fish_sb_using_subcommand register" -l state-dir -d 'State directory [default: $SESSION_BRIDGE_DIR, else ~/.claude/session-bridge]' -r -F
complete -c sb -n "__fish_sb_using_subcommand register" -l socket -d 'tmux server socket (tmux -S) [env: SB_TMUX_SOCKET; default: tmux\'s own, honouring $TMUX]' -r -F
complete -c sb -n "__fish_sb_using_subcommand register" -l json -d 'Print one JSON document instead of text for people'
complete -c sb -n "__fish_sb_using_subcommand register" -s h -l help -d 'Print help'
complete -c sb -n "__fish_sb_using_subcommand register" -s V -l version -d 'Print version'
complete -c sb -n "__fish_sb_using_subcommand unregister" -l color -d 'When to colour the output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c sb -n "__fish_sb_using_subcommand unregister" -l state-dir -d 'State directory [default: $SESSION_BRIDGE_DIR, else ~/.claude/session-bridge]' -r -F
complete -c sb -n "__fish_sb_using_subcommand unregister" -l socket -d 'tmux server socket (tmux -S) [env: SB_TMUX_SOCKET; default: tmux\'s own, honouring $TMUX]' -r -F
complete -c sb -n "__fish_sb_using_subcommand unregister" -l json -d 'Print one JSON document instead of text for people'
complete -c sb -n "__fish_sb_using_subcommand unregister" -s h -l help -d 'Print help'
complete -c sb -n "__fish_sb_using_subcommand unregister" -s V -l version -d 'Print version'
complete -c sb -n "__fish_sb_using_subcommand peers" -l color -d 'When to colour the output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c sb -n "__fish_sb_using_subcommand peers" -l state-dir -d 'State directory [default: $SESSION_BRIDGE_DIR, else ~/.claude/session-bridge]' -r -F
complete -c sb -n "__fish_sb_using_subcommand peers" -l socket -d 'tmux server socket (tmux -S) [env: SB_TMUX_SOCKET; default: tmux\'s own, honouring $TMUX]' -r -F
complete -c sb -n "__fish_sb_using_subcommand peers" -l json -d 'Print one JSON document instead of text for people'
complete -c sb -n "__fish_sb_using_subcommand peers" -s h -l help -d 'Print help'
complete -c sb -n "__fish_sb_using_subcommand peers" -s V -l version -d 'Print version'
complete -c sb -n "__fish_sb_using_subcommand send" -l from -d 'Sender role [default: the role of this pane ($TMUX_PANE), else `user`]' -r
complete -c sb -n "__fish_sb_using_subcommand send" -l settle-ms -d 'Milliseconds to wait between the paste and Enter' -r
complete -c sb -n "__fish_sb_using_subcommand send" -l when-ready -d 'Wait until the peer can take the message instead of refusing [default timeout: 10m]' -r
complete -c sb -n "__fish_sb_using_subcommand send" -l confirm -d 'Wait until the message is seen taken as a user turn (transcript, else screen); one Enter is retried if the text still sits in the box. Exit 5 when unconfirmed [default timeout: 30s]' -r
complete -c sb -n "__fish_sb_using_subcommand send" -l color -d 'When to colour the output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c sb -n "__fish_sb_using_subcommand send" -l state-dir -d 'State directory [default: $SESSION_BRIDGE_DIR, else ~/.claude/session-bridge]' -r -F
complete -c sb -n "__fish_sb_using_subcommand send" -l socket -d 'tmux server socket (tmux -S) [env: SB_TMUX_SOCKET; default: tmux\'s own, honouring $TMUX]' -r -F
complete -c sb -n "__fish_sb_using_subcommand send" -l no-submit -d 'Paste without pressing Enter'
complete -c sb -n "__fish_sb_using_subcommand send" -l no-tag -d 'Do not prefix `[from:ROLE] `'
complete -c sb -n "__fish_sb_using_subcommand send" -l force -d 'Type even if the peer shows a menu or unsent text'
complete -c sb -n "__fish_sb_using_subcommand send" -l json -d 'Print one JSON document instead of text for people'
complete -c sb -n "__fish_sb_using_subcommand send" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c sb -n "__fish_sb_using_subcommand send" -s V -l version -d 'Print version'
complete -c sb -n "__fish_sb_using_subcommand peek" -s n -l lines -d 'How many lines' -r
complete -c sb -n "__fish_sb_using_subcommand peek" -l color -d 'When to colour the output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c sb -n "__fish_sb_using_subcommand peek" -l state-dir -d 'State directory [default: $SESSION_BRIDGE_DIR, else ~/.claude/session-bridge]' -r -F
complete -c sb -n "__fish_sb_using_subcommand peek" -l socket -d 'tmux server socket (tmux -S) [env: SB_TMUX_SOCKET; default: tmux\'s own, honouring $TMUX]' -r -F
complete -c sb -n "__fish_sb_using_subcommand peek" -l json -d 'Print one JSON document instead of text for people'
complete -c sb -n "__fish_sb_using_subcommand peek" -s h -l help -d 'Print help'
complete -c sb -n "__fish_sb_using_subcommand peek" -s V -l version -d 'Print version'
complete -c sb -n "__fish_sb_using_subcommand detect" -l screen -d 'Classify saved screen text instead (`-` reads stdin)' -r -F
complete -c sb -n "__fish_sb_using_subcommand detect" -l lines -d 'Only the bottom N rows of the screen' -r
complete -c sb -n "__fish_sb_using_subcommand detect" -l color -d 'When to colour the output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c sb -n "__fish_sb_using_subcommand detect" -l state-dir -d 'State directory [default: $SESSION_BRIDGE_DIR, else ~/.claude/session-bridge]' -r -F
complete -c sb -n "__fish_sb_using_subcommand detect" -l socket -d 'tmux server socket (tmux -S) [env: SB_TMUX_SOCKET; default: tmux\'s own, honouring $TMUX]' -r -F
complete -c sb -n "__fish_sb_using_subcommand detect" -l json -d 'Print one JSON document instead of text for people'
complete -c sb -n "__fish_sb_using_subcommand detect" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c sb -n "__fish_sb_using_subcommand detect" -s V -l version -d 'Print version'
complete -c sb -n "__fish_sb_using_subcommand wait" -l until -d 'The state to wait for' -r -f -a "busy\t'Working'
idle\t'Turn finished, prompt shown'
waiting\t'A menu or a question waits for an answer (waiting_select or waiting_text)'
settled\t'Anything but busy'"
complete -c sb -n "__fish_sb_using_subcommand wait" -l timeout -d 'Give up after this long (500ms, 30s, 10m, 1h)' -r
complete -c sb -n "__fish_sb_using_subcommand wait" -l interval -d 'How often to look' -r
complete -c sb -n "__fish_sb_using_subcommand wait" -l color -d 'When to colour the output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c sb -n "__fish_sb_using_subcommand wait" -l state-dir -d 'State directory [default: $SESSION_BRIDGE_DIR, else ~/.claude/session-bridge]' -r -F
complete -c sb -n "__fish_sb_using_subcommand wait" -l socket -d 'tmux server socket (tmux -S) [env: SB_TMUX_SOCKET; default: tmux\'s own, honouring $TMUX]' -r -F
complete -c sb -n "__fish_sb_using_subcommand wait" -l json -d 'Print one JSON document instead of text for people'
complete -c sb -n "__fish_sb_using_subcommand wait" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c sb -n "__fish_sb_using_subcommand wait" -s V -l version -d 'Print version'
complete -c sb -n "__fish_sb_using_subcommand respond" -l option -d 'Answer the open menu by option number, only if a menu is open (guarded)' -r
complete -c sb -n "__fish_sb_using_subcommand respond" -l expect -d 'With --option: only if the menu still has this fingerprint (from `sb detect --json`)' -r
complete -c sb -n "__fish_sb_using_subcommand respond" -l color -d 'When to colour the output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c sb -n "__fish_sb_using_subcommand respond" -l state-dir -d 'State directory [default: $SESSION_BRIDGE_DIR, else ~/.claude/session-bridge]' -r -F
complete -c sb -n "__fish_sb_using_subcommand respond" -l socket -d 'tmux server socket (tmux -S) [env: SB_TMUX_SOCKET; default: tmux\'s own, honouring $TMUX]' -r -F
complete -c sb -n "__fish_sb_using_subcommand respond" -l json -d 'Print one JSON document instead of text for people'
complete -c sb -n "__fish_sb_using_subcommand respond" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c sb -n "__fish_sb_using_subcommand respond" -s V -l version -d 'Print version'
complete -c sb -n "__fish_sb_using_subcommand history" -s n -l limit -d 'How many messages (0 = all)' -r
complete -c sb -n "__fish_sb_using_subcommand history" -l role -d 'Only messages from or to this role' -r
complete -c sb -n "__fish_sb_using_subcommand history" -l color -d 'When to colour the output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c sb -n "__fish_sb_using_subcommand history" -l state-dir -d 'State directory [default: $SESSION_BRIDGE_DIR, else ~/.claude/session-bridge]' -r -F
complete -c sb -n "__fish_sb_using_subcommand history" -l socket -d 'tmux server socket (tmux -S) [env: SB_TMUX_SOCKET; default: tmux\'s own, honouring $TMUX]' -r -F
complete -c sb -n "__fish_sb_using_subcommand history" -s f -l follow -d 'Keep printing new messages as they arrive (Ctrl-C to stop)'
complete -c sb -n "__fish_sb_using_subcommand history" -l jsonl -d 'One JSON record per line'
complete -c sb -n "__fish_sb_using_subcommand history" -l json -d 'Print one JSON document instead of text for people'
complete -c sb -n "__fish_sb_using_subcommand history" -s h -l help -d 'Print help'
complete -c sb -n "__fish_sb_using_subcommand history" -s V -l version -d 'Print version'
complete -c sb -n "__fish_sb_using_subcommand inbox" -s n -l limit -d 'How many messages (0 = all)' -r
complete -c sb -n "__fish_sb_using_subcommand inbox" -l color -d 'When to colour the output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c sb -n "__fish_sb_using_subcommand inbox" -l state-dir -d 'State directory [default: $SESSION_BRIDGE_DIR, else ~/.claude/session-bridge]' -r -F
complete -c sb -n "__fish_sb_using_subcommand inbox" -l socket -d 'tmux server socket (tmux -S) [env: SB_TMUX_SOCKET; default: tmux\'s own, honouring $TMUX]' -r -F
complete -c sb -n "__fish_sb_using_subcommand inbox" -l jsonl -d 'One JSON record per line'
complete -c sb -n "__fish_sb_using_subcommand inbox" -l json -d 'Print one JSON document instead of text for people'
complete -c sb -n "__fish_sb_using_subcommand inbox" -s h -l help -d 'Print help'
complete -c sb -n "__fish_sb_using_subcommand inbox" -s V -l version -d 'Print version'
complete -c sb -n "__fish_sb_using_subcommand prompt; and not __fish_seen_subcommand_from set get ls rm help" -l color -d 'When to colour the output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c sb -n "__fish_sb_using_subcommand prompt; and not __fish_seen_subcommand_from set get ls rm help" -l state-dir -d 'State directory [default: $SESSION_BRIDGE_DIR, else ~/.claude/session-bridge]' -r -F
complete -c sb -n "__fish_sb_using_subcommand prompt; and not __fish_seen_subcommand_from set get ls rm help" -l socket -d 'tmux server socket (tmux -S) [env: SB_TMUX_SOCKET; default: tmux\'s own, honouring $TMUX]' -r -F
complete -c sb -n "__fish_sb_using_subcommand prompt; and not __fish_seen_subcommand_from set get ls rm help" -l json -d 'Print one JSON document instead of text for people'
complete -c sb -n "__fish_sb_using_subcommand prompt; and not __fish_seen_subcommand_from set get ls rm help" -s h -l help -d 'Print help'
complete -c sb -n "__fish_sb_using_subcommand prompt; and not __fish_seen_subcommand_from set get ls rm help" -s V -l version -d 'Print version'
complete -c sb -n "__fish_sb_using_subcommand prompt; and not __fish_seen_subcommand_from set get ls rm help" -f -a "set" -d 'Save a role\'s briefing'
complete -c sb -n "__fish_sb_using_subcommand prompt; and not __fish_seen_subcommand_from set get ls rm help" -f -a "get" -d 'Print a role\'s briefing'
complete -c sb -n "__fish_sb_using_subcommand prompt; and not __fish_seen_subcommand_from set get ls rm help" -f -a "ls" -d 'List saved briefings'
complete -c sb -n "__fish_sb_using_subcommand prompt; and not __fish_seen_subcommand_from set get ls rm help" -f -a "rm" -d 'Remove a role\'s briefing'
complete -c sb -n "__fish_sb_using_subcommand prompt; and not __fish_seen_subcommand_from set get ls rm help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c sb -n "__fish_sb_using_subcommand prompt; and __fish_seen_subcommand_from set" -s f -l file -d 'Read the briefing from a file' -r -F
complete -c sb -n "__fish_sb_using_subcommand prompt; and __fish_seen_subcommand_from set" -l color -d 'When to colour the output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c sb -n "__fish_sb_using_subcommand prompt; and __fish_seen_subcommand_from set" -l state-dir -d 'State directory [default: $SESSION_BRIDGE_DIR, else ~/.claude/session-bridge]' -r -F
complete -c sb -n "__fish_sb_using_subcommand prompt; and __fish_seen_subcommand_from set" -l socket -d 'tmux server socket (tmux -S) [env: SB_TMUX_SOCKET; default: tmux\'s own, honouring $TMUX]' -r -F
complete -c sb -n "__fish_sb_using_subcommand prompt; and __fish_seen_subcommand_from set" -l json -d 'Print one JSON document instead of text for people'
complete -c sb -n "__fish_sb_using_subcommand prompt; and __fish_seen_subcommand_from set" -s h -l help -d 'Print help'
complete -c sb -n "__fish_sb_using_subcommand prompt; and __fish_seen_subcommand_from set" -s V -l version -d 'Print version'
complete -c sb -n "__fish_sb_using_subcommand prompt; and __fish_seen_subcommand_from get" -l color -d 'When to colour the output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c sb -n "__fish_sb_using_subcommand prompt; and __fish_seen_subcommand_from get" -l state-dir -d 'State directory [default: $SESSION_BRIDGE_DIR, else ~/.claude/session-bridge]' -r -F
complete -c sb -n "__fish_sb_using_subcommand prompt; and __fish_seen_subcommand_from get" -l socket -d 'tmux server socket (tmux -S) [env: SB_TMUX_SOCKET; default: tmux\'s own, honouring $TMUX]' -r -F
complete -c sb -n "__fish_sb_using_subcommand prompt; and __fish_seen_subcommand_from get" -l json -d 'Print one JSON document instead of text for people'
complete -c sb -n "__fish_sb_using_subcommand prompt; and __fish_seen_subcommand_from get" -s h -l help -d 'Print help'
complete -c sb -n "__fish_sb_using_subcommand prompt; and __fish_seen_subcommand_from get" -s V -l version -d 'Print version'
complete -c sb -n "__fish_sb_using_subcommand prompt; and __fish_seen_subcommand_from ls" -l color -d 'When to colour the output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c sb -n "__fish_sb_using_subcommand prompt; and __fish_seen_subcommand_from ls" -l state-dir -d 'State directory [default: $SESSION_BRIDGE_DIR, else ~/.claude/session-bridge]' -r -F
complete -c sb -n "__fish_sb_using_subcommand prompt; and __fish_seen_subcommand_from ls" -l socket -d 'tmux server socket (tmux -S) [env: SB_TMUX_SOCKET; default: tmux\'s own, honouring $TMUX]' -r -F
complete -c sb -n "__fish_sb_using_subcommand prompt; and __fish_seen_subcommand_from ls" -l json -d 'Print one JSON document instead of text for people'
complete -c sb -n "__fish_sb_using_subcommand prompt; and __fish_seen_subcommand_from ls" -s h -l help -d 'Print help'
complete -c sb -n "__fish_sb_using_subcommand prompt; and __fish_seen_subcommand_from ls" -s V -l version -d 'Print version'
complete -c sb -n "__fish_sb_using_subcommand prompt; and __fish_seen_subcommand_from rm" -l color -d 'When to colour the output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c sb -n "__fish_sb_using_subcommand prompt; and __fish_seen_subcommand_from rm" -l state-dir -d 'State directory [default: $SESSION_BRIDGE_DIR, else ~/.claude/session-bridge]' -r -F
complete -c sb -n "__fish_sb_using_subcommand prompt; and __fish_seen_subcommand_from rm" -l socket -d 'tmux server socket (tmux -S) [env: SB_TMUX_SOCKET; default: tmux\'s own, honouring $TMUX]' -r -F
complete -c sb -n "__fish_sb_using_subcommand prompt; and __fish_seen_subcommand_from rm" -l json -d 'Print one JSON document instead of text for people'
complete -c sb -n "__fish_sb_using_subcommand prompt; and __fish_seen_subcommand_from rm" -s h -l help -d 'Print help'
complete -c sb -n "__fish_sb_using_subcommand prompt; and __fish_seen_subcommand_from rm" -s V -l version -d 'Print version'
complete -c sb -n "__fish_sb_using_subcommand prompt; and __fish_seen_subcommand_from help" -f -a "set" -d 'Save a role\'s briefing'
complete -c sb -n "__fish_sb_using_subcommand prompt; and __fish_seen_subcommand_from help" -f -a "get" -d 'Print a role\'s briefing'
complete -c sb -n "__fish_sb_using_subcommand prompt; and __fish_seen_subcommand_from help" -f -a "ls" -d 'List saved briefings'
complete -c sb -n "__fish_sb_using_subcommand prompt; and __fish_seen_subcommand_from help" -f -a "rm" -d 'Remove a role\'s briefing'
complete -c sb -n "__fish_sb_using_subcommand prompt; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c sb -n "__fish_sb_using_subcommand watch" -l notify -d 'Role that receives the notices [default: the role of this pane]' -r
complete -c sb -n "__fish_sb_using_subcommand watch" -l roles -d 'Only these roles (comma-separated) [default: all registered]' -r
complete -c sb -n "__fish_sb_using_subcommand watch" -l interval -d 'How often to look at each peer' -r
complete -c sb -n "__fish_sb_using_subcommand watch" -l stall-after -d 'Report a peer busy for longer than this once as stalled (0 = never)' -r
complete -c sb -n "__fish_sb_using_subcommand watch" -l rounds -d 'Stop after N rounds (for scripts and tests)' -r
complete -c sb -n "__fish_sb_using_subcommand watch" -l color -d 'When to colour the output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c sb -n "__fish_sb_using_subcommand watch" -l state-dir -d 'State directory [default: $SESSION_BRIDGE_DIR, else ~/.claude/session-bridge]' -r -F
complete -c sb -n "__fish_sb_using_subcommand watch" -l socket -d 'tmux server socket (tmux -S) [env: SB_TMUX_SOCKET; default: tmux\'s own, honouring $TMUX]' -r -F
complete -c sb -n "__fish_sb_using_subcommand watch" -l json -d 'Print one JSON document instead of text for people'
complete -c sb -n "__fish_sb_using_subcommand watch" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c sb -n "__fish_sb_using_subcommand watch" -s V -l version -d 'Print version'
complete -c sb -n "__fish_sb_using_subcommand mcp" -l color -d 'When to colour the output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c sb -n "__fish_sb_using_subcommand mcp" -l state-dir -d 'State directory [default: $SESSION_BRIDGE_DIR, else ~/.claude/session-bridge]' -r -F
complete -c sb -n "__fish_sb_using_subcommand mcp" -l socket -d 'tmux server socket (tmux -S) [env: SB_TMUX_SOCKET; default: tmux\'s own, honouring $TMUX]' -r -F
complete -c sb -n "__fish_sb_using_subcommand mcp" -l json -d 'Print one JSON document instead of text for people'
complete -c sb -n "__fish_sb_using_subcommand mcp" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c sb -n "__fish_sb_using_subcommand mcp" -s V -l version -d 'Print version'
complete -c sb -n "__fish_sb_using_subcommand demo" -l color -d 'When to colour the output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c sb -n "__fish_sb_using_subcommand demo" -l state-dir -d 'State directory [default: $SESSION_BRIDGE_DIR, else ~/.claude/session-bridge]' -r -F
complete -c sb -n "__fish_sb_using_subcommand demo" -l socket -d 'tmux server socket (tmux -S) [env: SB_TMUX_SOCKET; default: tmux\'s own, honouring $TMUX]' -r -F
complete -c sb -n "__fish_sb_using_subcommand demo" -l keep -d 'Leave the tmux server running afterwards'
complete -c sb -n "__fish_sb_using_subcommand demo" -l json -d 'Print one JSON document instead of text for people'
complete -c sb -n "__fish_sb_using_subcommand demo" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c sb -n "__fish_sb_using_subcommand demo" -s V -l version -d 'Print version'
complete -c sb -n "__fish_sb_using_subcommand setup" -l agent -d 'The agent to wire' -r -f -a "claude\t''
codex\t''
gemini\t''"
complete -c sb -n "__fish_sb_using_subcommand setup" -l color -d 'When to colour the output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c sb -n "__fish_sb_using_subcommand setup" -l state-dir -d 'State directory [default: $SESSION_BRIDGE_DIR, else ~/.claude/session-bridge]' -r -F
complete -c sb -n "__fish_sb_using_subcommand setup" -l socket -d 'tmux server socket (tmux -S) [env: SB_TMUX_SOCKET; default: tmux\'s own, honouring $TMUX]' -r -F
complete -c sb -n "__fish_sb_using_subcommand setup" -l dry-run -d 'Show what would change (a diff of settings.json, the claude command) and change nothing'
complete -c sb -n "__fish_sb_using_subcommand setup" -l uninstall -d 'Remove what `sb setup` added: sb\'s hook entry and the session-bridge MCP server'
complete -c sb -n "__fish_sb_using_subcommand setup" -l json -d 'Print one JSON document instead of text for people'
complete -c sb -n "__fish_sb_using_subcommand setup" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c sb -n "__fish_sb_using_subcommand setup" -s V -l version -d 'Print version'
complete -c sb -n "__fish_sb_using_subcommand doctor" -l color -d 'When to colour the output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c sb -n "__fish_sb_using_subcommand doctor" -l state-dir -d 'State directory [default: $SESSION_BRIDGE_DIR, else ~/.claude/session-bridge]' -r -F
complete -c sb -n "__fish_sb_using_subcommand doctor" -l socket -d 'tmux server socket (tmux -S) [env: SB_TMUX_SOCKET; default: tmux\'s own, honouring $TMUX]' -r -F
complete -c sb -n "__fish_sb_using_subcommand doctor" -l json -d 'Print one JSON document instead of text for people'
complete -c sb -n "__fish_sb_using_subcommand doctor" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c sb -n "__fish_sb_using_subcommand doctor" -s V -l version -d 'Print version'
complete -c sb -n "__fish_sb_using_subcommand hook; and not __fish_seen_subcommand_from session-start before-agent help" -l color -d 'When to colour the output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c sb -n "__fish_sb_using_subcommand hook; and not __fish_seen_subcommand_from session-start before-agent help" -l state-dir -d 'State directory [default: $SESSION_BRIDGE_DIR, else ~/.claude/session-bridge]' -r -F
complete -c sb -n "__fish_sb_using_subcommand hook; and not __fish_seen_subcommand_from session-start before-agent help" -l socket -d 'tmux server socket (tmux -S) [env: SB_TMUX_SOCKET; default: tmux\'s own, honouring $TMUX]' -r -F
complete -c sb -n "__fish_sb_using_subcommand hook; and not __fish_seen_subcommand_from session-start before-agent help" -l json -d 'Print one JSON document instead of text for people'
complete -c sb -n "__fish_sb_using_subcommand hook; and not __fish_seen_subcommand_from session-start before-agent help" -s h -l help -d 'Print help'
complete -c sb -n "__fish_sb_using_subcommand hook; and not __fish_seen_subcommand_from session-start before-agent help" -s V -l version -d 'Print version'
complete -c sb -n "__fish_sb_using_subcommand hook; and not __fish_seen_subcommand_from session-start before-agent help" -f -a "session-start" -d 'Print this pane\'s role briefing for Claude Code\'s SessionStart hook'
complete -c sb -n "__fish_sb_using_subcommand hook; and not __fish_seen_subcommand_from session-start before-agent help" -f -a "before-agent" -d 'Print this pane\'s role briefing for Gemini CLI\'s BeforeAgent hook, once per session'
complete -c sb -n "__fish_sb_using_subcommand hook; and not __fish_seen_subcommand_from session-start before-agent help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c sb -n "__fish_sb_using_subcommand hook; and __fish_seen_subcommand_from session-start" -l color -d 'When to colour the output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c sb -n "__fish_sb_using_subcommand hook; and __fish_seen_subcommand_from session-start" -l state-dir -d 'State directory [default: $SESSION_BRIDGE_DIR, else ~/.claude/session-bridge]' -r -F
complete -c sb -n "__fish_sb_using_subcommand hook; and __fish_seen_subcommand_from session-start" -l socket -d 'tmux server socket (tmux -S) [env: SB_TMUX_SOCKET; default: tmux\'s own, honouring $TMUX]' -r -F
complete -c sb -n "__fish_sb_using_subcommand hook; and __fish_seen_subcommand_from session-start" -l json -d 'Print one JSON document instead of text for people'
complete -c sb -n "__fish_sb_using_subcommand hook; and __fish_seen_subcommand_from session-start" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c sb -n "__fish_sb_using_subcommand hook; and __fish_seen_subcommand_from session-start" -s V -l version -d 'Print version'
complete -c sb -n "__fish_sb_using_subcommand hook; and __fish_seen_subcommand_from before-agent" -l color -d 'When to colour the output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c sb -n "__fish_sb_using_subcommand hook; and __fish_seen_subcommand_from before-agent" -l state-dir -d 'State directory [default: $SESSION_BRIDGE_DIR, else ~/.claude/session-bridge]' -r -F
complete -c sb -n "__fish_sb_using_subcommand hook; and __fish_seen_subcommand_from before-agent" -l socket -d 'tmux server socket (tmux -S) [env: SB_TMUX_SOCKET; default: tmux\'s own, honouring $TMUX]' -r -F
complete -c sb -n "__fish_sb_using_subcommand hook; and __fish_seen_subcommand_from before-agent" -l json -d 'Print one JSON document instead of text for people'
complete -c sb -n "__fish_sb_using_subcommand hook; and __fish_seen_subcommand_from before-agent" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c sb -n "__fish_sb_using_subcommand hook; and __fish_seen_subcommand_from before-agent" -s V -l version -d 'Print version'
complete -c sb -n "__fish_sb_using_subcommand hook; and __fish_seen_subcommand_from help" -f -a "session-start" -d 'Print this pane\'s role briefing for Claude Code\'s SessionStart hook'
complete -c sb -n "__fish_sb_using_subcommand hook; and __fish_seen_subcommand_from help" -f -a "before-agent" -d 'Print this pane\'s role briefing for Gemini CLI\'s BeforeAgent hook, once per session'
complete -c sb -n "__fish_sb_using_subcommand hook; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c sb -n "__fish_sb_using_subcommand generate; and not __fish_seen_subcommand_from completions man help" -l color -d 'When to colour the output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c sb -n "__fish_sb_using_subcommand generate; and not __fish_seen_subcommand_from completions man help" -l state-dir -d 'State directory [default: $SESSION_BRIDGE_DIR, else ~/.claude/session-bridge]' -r -F
complete -c sb -n "__fish_sb_using_subcommand generate; and not __fish_seen_subcommand_from completions man help" -l socket -d 'tmux server socket (tmux -S) [env: SB_TMUX_SOCKET; default: tmux\'s own, honouring $TMUX]' -r -F
complete -c sb -n "__fish_sb_using_subcommand generate; and not __fish_seen_subcommand_from completions man help" -l json -d 'Print one JSON document instead of text for people'
complete -c sb -n "__fish_sb_using_subcommand generate; and not __fish_seen_subcommand_from completions man help" -s h -l help -d 'Print help'
complete -c sb -n "__fish_sb_using_subcommand generate; and not __fish_seen_subcommand_from completions man help" -s V -l version -d 'Print version'
complete -c sb -n "__fish_sb_using_subcommand generate; and not __fish_seen_subcommand_from completions man help" -f -a "completions" -d 'Write completion scripts for every shell into DIR'
complete -c sb -n "__fish_sb_using_subcommand generate; and not __fish_seen_subcommand_from completions man help" -f -a "man" -d 'Write sb.1 and one page per subcommand into DIR'
complete -c sb -n "__fish_sb_using_subcommand generate; and not __fish_seen_subcommand_from completions man help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c sb -n "__fish_sb_using_subcommand generate; and __fish_seen_subcommand_from completions" -l color -d 'When to colour the output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c sb -n "__fish_sb_using_subcommand generate; and __fish_seen_subcommand_from completions" -l state-dir -d 'State directory [default: $SESSION_BRIDGE_DIR, else ~/.claude/session-bridge]' -r -F
complete -c sb -n "__fish_sb_using_subcommand generate; and __fish_seen_subcommand_from completions" -l socket -d 'tmux server socket (tmux -S) [env: SB_TMUX_SOCKET; default: tmux\'s own, honouring $TMUX]' -r -F
complete -c sb -n "__fish_sb_using_subcommand generate; and __fish_seen_subcommand_from completions" -l json -d 'Print one JSON document instead of text for people'
complete -c sb -n "__fish_sb_using_subcommand generate; and __fish_seen_subcommand_from completions" -s h -l help -d 'Print help'
complete -c sb -n "__fish_sb_using_subcommand generate; and __fish_seen_subcommand_from completions" -s V -l version -d 'Print version'
complete -c sb -n "__fish_sb_using_subcommand generate; and __fish_seen_subcommand_from man" -l color -d 'When to colour the output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c sb -n "__fish_sb_using_subcommand generate; and __fish_seen_subcommand_from man" -l state-dir -d 'State directory [default: $SESSION_BRIDGE_DIR, else ~/.claude/session-bridge]' -r -F
complete -c sb -n "__fish_sb_using_subcommand generate; and __fish_seen_subcommand_from man" -l socket -d 'tmux server socket (tmux -S) [env: SB_TMUX_SOCKET; default: tmux\'s own, honouring $TMUX]' -r -F
complete -c sb -n "__fish_sb_using_subcommand generate; and __fish_seen_subcommand_from man" -l json -d 'Print one JSON document instead of text for people'
complete -c sb -n "__fish_sb_using_subcommand generate; and __fish_seen_subcommand_from man" -s h -l help -d 'Print help'
complete -c sb -n "__fish_sb_using_subcommand generate; and __fish_seen_subcommand_from man" -s V -l version -d 'Print version'
complete -c sb -n "__fish_sb_using_subcommand generate; and __fish_seen_subcommand_from help" -f -a "completions" -d 'Write completion scripts for every shell into DIR'
complete -c sb -n "__fish_sb_using_subcommand generate; and __fish_seen_subcommand_from help" -f -a "man" -d 'Write sb.1 and one page per subcommand into DIR'
complete -c sb -n "__fish_sb_using_subcommand generate; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c sb -n "__fish_sb_using_subcommand agent" -l record -d 'Append every byte received to FILE' -r -F
complete -c sb -n "__fish_sb_using_subcommand agent" -l screen -d 'Draw FILE as the screen, redrawn when it changes' -r -F
complete -c sb -n "__fish_sb_using_subcommand agent" -l reply -d 'Canned reply after each submitted message' -r
complete -c sb -n "__fish_sb_using_subcommand agent" -l think-ms -d 'Milliseconds to look busy before replying' -r
complete -c sb -n "__fish_sb_using_subcommand agent" -l then -d 'Shell command to run once after the first reply' -r
complete -c sb -n "__fish_sb_using_subcommand agent" -l transcript -d 'Append submitted messages as user turns to this JSONL transcript' -r -F
complete -c sb -n "__fish_sb_using_subcommand agent" -l swallow-enters -d 'Ignore the first N Enter presses' -r
complete -c sb -n "__fish_sb_using_subcommand agent" -l color -d 'When to colour the output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c sb -n "__fish_sb_using_subcommand agent" -l state-dir -d 'State directory [default: $SESSION_BRIDGE_DIR, else ~/.claude/session-bridge]' -r -F
complete -c sb -n "__fish_sb_using_subcommand agent" -l socket -d 'tmux server socket (tmux -S) [env: SB_TMUX_SOCKET; default: tmux\'s own, honouring $TMUX]' -r -F
complete -c sb -n "__fish_sb_using_subcommand agent" -l json -d 'Print one JSON document instead of text for people'
complete -c sb -n "__fish_sb_using_subcommand agent" -s h -l help -d 'Print help'
complete -c sb -n "__fish_sb_using_subcommand agent" -s V -l version -d 'Print version'
complete -c sb -n "__fish_sb_using_subcommand help; and not __fish_seen_subcommand_from register unregister peers send peek detect wait respond history inbox prompt watch mcp demo setup doctor hook generate agent help" -f -a "register" -d 'Bind a role to a tmux pane (the current one by default)'
complete -c sb -n "__fish_sb_using_subcommand help; and not __fish_seen_subcommand_from register unregister peers send peek detect wait respond history inbox prompt watch mcp demo setup doctor hook generate agent help" -f -a "unregister" -d 'Forget a role'
complete -c sb -n "__fish_sb_using_subcommand help; and not __fish_seen_subcommand_from register unregister peers send peek detect wait respond history inbox prompt watch mcp demo setup doctor hook generate agent help" -f -a "peers" -d 'List registered roles, whether their panes are alive, and what runs in them'
complete -c sb -n "__fish_sb_using_subcommand help; and not __fish_seen_subcommand_from register unregister peers send peek detect wait respond history inbox prompt watch mcp demo setup doctor hook generate agent help" -f -a "send" -d 'Send a message into a peer\'s prompt as a new user turn'
complete -c sb -n "__fish_sb_using_subcommand help; and not __fish_seen_subcommand_from register unregister peers send peek detect wait respond history inbox prompt watch mcp demo setup doctor hook generate agent help" -f -a "peek" -d 'Show the last lines of a peer\'s screen and scrollback'
complete -c sb -n "__fish_sb_using_subcommand help; and not __fish_seen_subcommand_from register unregister peers send peek detect wait respond history inbox prompt watch mcp demo setup doctor hook generate agent help" -f -a "detect" -d 'Tell whether a peer is busy, idle, or waiting on a menu or a question'
complete -c sb -n "__fish_sb_using_subcommand help; and not __fish_seen_subcommand_from register unregister peers send peek detect wait respond history inbox prompt watch mcp demo setup doctor hook generate agent help" -f -a "wait" -d 'Wait until a peer is busy, idle, waiting, or settled (not busy)'
complete -c sb -n "__fish_sb_using_subcommand help; and not __fish_seen_subcommand_from register unregister peers send peek detect wait respond history inbox prompt watch mcp demo setup doctor hook generate agent help" -f -a "respond" -d 'Send keys to a peer, e.g. to choose an option of its open menu'
complete -c sb -n "__fish_sb_using_subcommand help; and not __fish_seen_subcommand_from register unregister peers send peek detect wait respond history inbox prompt watch mcp demo setup doctor hook generate agent help" -f -a "history" -d 'Show the conversation between all roles, newest last'
complete -c sb -n "__fish_sb_using_subcommand help; and not __fish_seen_subcommand_from register unregister peers send peek detect wait respond history inbox prompt watch mcp demo setup doctor hook generate agent help" -f -a "inbox" -d 'Show the messages sent to one role, newest last'
complete -c sb -n "__fish_sb_using_subcommand help; and not __fish_seen_subcommand_from register unregister peers send peek detect wait respond history inbox prompt watch mcp demo setup doctor hook generate agent help" -f -a "prompt" -d 'Save, show, list and remove role briefings (re-injected after /clear by `sb hook session-start`)'
complete -c sb -n "__fish_sb_using_subcommand help; and not __fish_seen_subcommand_from register unregister peers send peek detect wait respond history inbox prompt watch mcp demo setup doctor hook generate agent help" -f -a "watch" -d 'Follow every peer\'s state; notify the manager when one opens a menu or asks a question'
complete -c sb -n "__fish_sb_using_subcommand help; and not __fish_seen_subcommand_from register unregister peers send peek detect wait respond history inbox prompt watch mcp demo setup doctor hook generate agent help" -f -a "mcp" -d 'Serve sb\'s operations as MCP tools over stdio (for Claude Code and other MCP clients)'
complete -c sb -n "__fish_sb_using_subcommand help; and not __fish_seen_subcommand_from register unregister peers send peek detect wait respond history inbox prompt watch mcp demo setup doctor hook generate agent help" -f -a "demo" -d 'Run a self-contained demo: three scripted agents pass a task around on a private tmux server'
complete -c sb -n "__fish_sb_using_subcommand help; and not __fish_seen_subcommand_from register unregister peers send peek detect wait respond history inbox prompt watch mcp demo setup doctor hook generate agent help" -f -a "setup" -d 'Wire sb into Claude Code: the SessionStart hook and the session-bridge MCP server'
complete -c sb -n "__fish_sb_using_subcommand help; and not __fish_seen_subcommand_from register unregister peers send peek detect wait respond history inbox prompt watch mcp demo setup doctor hook generate agent help" -f -a "doctor" -d 'Check that sb can work here: tmux, the state dir, the registered panes, the hook, the MCP server'
complete -c sb -n "__fish_sb_using_subcommand help; and not __fish_seen_subcommand_from register unregister peers send peek detect wait respond history inbox prompt watch mcp demo setup doctor hook generate agent help" -f -a "hook" -d 'Hooks for Claude Code, Codex and Gemini CLI (installed by `sb setup`)'
complete -c sb -n "__fish_sb_using_subcommand help; and not __fish_seen_subcommand_from register unregister peers send peek detect wait respond history inbox prompt watch mcp demo setup doctor hook generate agent help" -f -a "generate" -d 'Generate shell completions and man pages'
complete -c sb -n "__fish_sb_using_subcommand help; and not __fish_seen_subcommand_from register unregister peers send peek detect wait respond history inbox prompt watch mcp demo setup doctor hook generate agent help" -f -a "agent" -d 'A small scripted terminal agent for tests and the demo'
complete -c sb -n "__fish_sb_using_subcommand help; and not __fish_seen_subcommand_from register unregister peers send peek detect wait respond history inbox prompt watch mcp demo setup doctor hook generate agent help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c sb -n "__fish_sb_using_subcommand help; and __fish_seen_subcommand_from prompt" -f -a "set" -d 'Save a role\'s briefing'
complete -c sb -n "__fish_sb_using_subcommand help; and __fish_seen_subcommand_from prompt" -f -a "get" -d 'Print a role\'s briefing'
complete -c sb -n "__fish_sb_using_subcommand help; and __fish_seen_subcommand_from prompt" -f -a "ls" -d 'List saved briefings'
complete -c sb -n "__fish_sb_using_subcommand help; and __fish_seen_subcommand_from prompt" -f -a "rm" -d 'Remove a role\'s briefing'
complete -c sb -n "__fish_sb_using_subcommand help; and __fish_seen_subcommand_from hook" -f -a "session-start" -d 'Print this pane\'s role briefing for Claude Code\'s SessionStart hook'
complete -c sb -n "__fish_sb_using_subcommand help; and __fish_seen_subcommand_from hook" -f -a "before-agent" -d 'Print this pane\'s role briefing for Gemini CLI\'s BeforeAgent hook, once per session'
complete -c sb -n "__fish_sb_using_subcommand help; and __fish_seen_subcommand_from generate" -f -a "completions" -d 'Write completion scripts for every shell into DIR'
complete -c sb -n "__fish_sb_using_subcommand help; and __fish_seen_subcommand_from generate" -f -a "man" -d 'Write sb.1 and one page per subcommand into DIR'
