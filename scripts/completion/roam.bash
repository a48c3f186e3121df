# bash completion for roam, roam-server and roam-client.
# Installed as share/bash-completion/completions/{roam,roam-server,roam-client};
# needs nothing from the bash-completion package.

_roam_hosts() {
  local cur=$1 user='' hosts
  if [[ $cur == *@* ]]; then
    user=${cur%%@*}@
    cur=${cur#*@}
  fi
  hosts=$(
    {
      awk 'tolower($1) == "host" { for (i = 2; i <= NF; i++) print $i }' \
        ~/.ssh/config 2>/dev/null
      awk '{ split($1, names, ","); for (n in names) print names[n] }' \
        ~/.ssh/known_hosts 2>/dev/null
    } | grep -v '[*?!|]' | sed -e 's/^\[//' -e 's/\]:.*//' | sort -u
  )
  local h
  for h in $(compgen -W "$hosts" -- "$cur"); do COMPREPLY+=("$user$h"); done
}

_roam() {
  local cur=${COMP_WORDS[COMP_CWORD]}
  local prev=''
  ((COMP_CWORD > 0)) && prev=${COMP_WORDS[COMP_CWORD - 1]}
  COMPREPLY=()
  local i
  for ((i = 1; i < COMP_CWORD; i++)); do
    # After "--" (or the host) comes the remote command: nothing to offer.
    [[ ${COMP_WORDS[i]} == -- ]] && return 0
  done
  case $cur in
    --predict=*)
      COMPREPLY=($(compgen -P --predict= -W 'adaptive always never experimental' -- "${cur#*=}"))
      return 0
      ;;
    --family=*)
      COMPREPLY=($(compgen -P --family= -W 'inet inet6 auto prefer-inet prefer-inet6' -- "${cur#*=}"))
      return 0
      ;;
    --bind-server=*)
      COMPREPLY=($(compgen -P --bind-server= -W 'ssh any' -- "${cur#*=}"))
      return 0
      ;;
    --transport=*)
      COMPREPLY=($(compgen -P --transport= -W 'auto udp tcp ssh' -- "${cur#*=}"))
      return 0
      ;;
    --channel-test=*)
      COMPREPLY=($(compgen -P --channel-test= -W 'echo discard source:' -- "${cur#*=}"))
      return 0
      ;;
    --ssh=* | --server=*)
      COMPREPLY=($(compgen -c -P "${cur%%=*}=" -- "${cur#*=}"))
      return 0
      ;;
    -*)
      COMPREPLY=($(compgen -W '--ssh= --server= --install-server --port= --predict= --family=
        --bind-server= --no-init --no-clipboard --scrollback= --channel-test= --transport= --no-ssh-pty
        --local --verbose --help --version -a -n -4 -6 -p -T -t -L -R -D -A -N -v' -- "$cur"))
      [[ ${#COMPREPLY[@]} == 1 && ${COMPREPLY[0]} == *= ]] && compopt -o nospace 2>/dev/null
      return 0
      ;;
  esac
  case $prev in
    -p | -L | -R | -D) return 0 ;;
  esac
  _roam_hosts "$cur"
}

_roam_server() {
  local cur=${COMP_WORDS[COMP_CWORD]}
  local prev=''
  ((COMP_CWORD > 0)) && prev=${COMP_WORDS[COMP_CWORD - 1]}
  COMPREPLY=()
  if ((COMP_CWORD == 1)); then
    COMPREPLY=($(compgen -W 'new relay --help --version' -- "$cur"))
    return 0
  fi
  case $prev in
    -c) COMPREPLY=($(compgen -W '8 256' -- "$cur")); return 0 ;;
    -i | -p | -l | relay) return 0 ;;
  esac
  if [[ $cur == -* ]]; then
    COMPREPLY=($(compgen -W '-s -v -i -p -c -l --forward-agent --ssh-stream --tcp --no-exec
      --no-tcp-forwarding --no-remote-forwarding --no-agent-forwarding --no-forwarding --' \
      -- "$cur"))
  fi
}

_roam_client() {
  local cur=${COMP_WORDS[COMP_CWORD]}
  COMPREPLY=()
  [[ $cur == -* ]] && COMPREPLY=($(compgen -W '-c -v -# --version' -- "$cur"))
}

complete -F _roam roam
complete -F _roam_server roam-server
complete -F _roam_client roam-client
