complete --keep-order --exclusive --command sb --arguments "(COMPLETE=fish sb -- (commandline --current-process --tokenize --cut-at-cursor) (commandline --current-token))"
