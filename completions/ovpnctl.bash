# bash completion for ovpnctl(8)                               -*- shell-script -*-
#
# Install as .../bash-completion/completions/ovpnctl, or source it.
# Completes global options, objects, commands, the keywords a command still
# accepts (a keyword already given is not offered again unless it repeats),
# enumeration values, file names after encrypt/decrypt/status/-batch, and live
# interface names and peer ids read from `ovpnctl -j ... show`.
#
# The grammar block below is data, parsed when this file is sourced. Its
# format is shared with the zsh and fish completions. It is generated from the
# grammar table (Sources/ovpnctl/Grammar/Grammar.swift) by scripts/completions,
# and a unit test keeps it so: do not edit it by hand. The format:
#   object   OBJECT VERB|ALIAS...      VERB "-": the object takes keywords directly
#   command  OBJECT:VERB SPEC...       SPEC: <kind> required positional, [kind]
#                                      optional positional, KEYWORD[*]=KIND[,KIND]
#                                      (* repeatable; one KIND per value)
#   choice   NAME VALUE...             referred to as KIND @NAME
#   conflict OBJECT:VERB KW OTHER...   KW and each OTHER exclude each other
#   option   NAME|NAME[=KIND]...       =KIND: the option takes a value
# Value kinds: ifname (live interface), peerid (live peer id), newname, newid,
# num, keyid, addr, endpoint, local, file, netns, @CHOICE.

# >>> ovpnctl grammar
_ovpnctl_grammar='
object   link     add del|delete show|list|ls
object   peer     add set del|delete show|list|ls
object   key      add swap del|delete show|list|ls generate
object   stats    -|show|list|ls
object   monitor  -
object   metrics  serve
object   top      -
object   showconf -
object   setconf  -
object   syncconf -
object   up       -
object   down     -
command  link:add      <newname> type=@type mode=@mode mtu=num
command  link:del      <ifname>
command  link:show     [ifname]
command  peer:add      dev=ifname id=newid remote=endpoint local=local vpn-ip*=addr keepalive=num,num tx-id=newid proto=@proto listen=local fd=num mark=num
command  peer:set      dev=ifname id=peerid remote=endpoint local=addr vpn-ip*=addr keepalive=num,num tx-id=newid
command  peer:del      dev=ifname id=peerid
command  peer:show     dev=ifname id=peerid status=file
command  key:add       dev=ifname peer=peerid slot=@slot key-id=keyid cipher=@cipher encrypt=file decrypt=file
command  key:swap      dev=ifname peer=peerid
command  key:del       dev=ifname peer=peerid slot=@slot
command  key:show      dev=ifname peer=peerid slot=@slot
command  key:generate  cipher=@cipher
command  stats:-       dev=ifname peer=peerid status=file
command  monitor:-     dev=ifname status=file
command  metrics:serve listen=local
command  top:-         dev=ifname interval=num count=num
command  showconf:-    dev=ifname
command  setconf:-     <file> dev=ifname
command  syncconf:-    <file> dev=ifname rekey*=peerid,@slot
command  up:-          <file>
command  down:-        <ifname>
choice   type     ovpn ovpn-dco
choice   mode     p2p mp
choice   proto    udp tcp
choice   slot     primary secondary
choice   cipher   aes-128-gcm aes-192-gcm aes-256-gcm chacha20-poly1305
conflict peer:add fd proto listen local mark
conflict peer:add listen remote local
option   -j|-json -p|-pretty -prom|-prometheus -s|-stats|-statistics -d|-details -force -dry-run -V|-Version|-version -h|-help
option   -n|-netns=netns -b|-batch=file -rcvbuf=num
'
# <<< ovpnctl grammar

declare -g _ovpnctl_objects='' _ovpnctl_options=''
declare -gA _ovpnctl_verbs=() _ovpnctl_aliases=() _ovpnctl_verb_of=() _ovpnctl_specs=()
declare -gA _ovpnctl_choices=() _ovpnctl_conflicts=() _ovpnctl_option_kind=()

_ovpnctl_load() {
  local kind key rest group name word other
  local -a words names
  while read -r kind key rest; do
    read -ra words <<<"$rest"
    case $kind in
    object)
      _ovpnctl_objects+=" $key"
      for group in "${words[@]}"; do
        IFS='|' read -ra names <<<"$group"
        _ovpnctl_verbs[$key]+=" ${names[0]}"
        for name in "${names[@]}"; do
          _ovpnctl_verb_of[$key:$name]=${names[0]}
          [[ $name != "${names[0]}" ]] && _ovpnctl_aliases[$key]+=" $name"
        done
      done
      ;;
    command) _ovpnctl_specs[$key]=$rest ;;
    choice) _ovpnctl_choices[$key]=$rest ;;
    conflict)
      for other in "${words[@]:1}"; do
        _ovpnctl_conflicts[$key:${words[0]}]+=" $other"
        _ovpnctl_conflicts[$key:$other]+=" ${words[0]}"
      done
      ;;
    option)
      for word in "$key" "${words[@]}"; do
        IFS='|' read -ra names <<<"${word%%=*}"
        for name in "${names[@]}"; do
          _ovpnctl_options+=" $name"
          [[ $word == *=* ]] && _ovpnctl_option_kind[$name]=${word#*=}
        done
      done
      ;;
    esac
  done <<<"$_ovpnctl_grammar"
}
_ovpnctl_load
unset -f _ovpnctl_load

# COMPREPLY from a word list, filtered by the current word.
_ovpnctl_reply() {
  local IFS=$' \t\n'
  mapfile -t COMPREPLY < <(compgen -W "$1" -- "$_ovpnctl_cur")
}

# Live values, parsed from ovpnctl's own JSON without jq: interface names
# (`-j link show`) or peer ids (`-j peer show [dev NAME]`).
_ovpnctl_live() {
  local what=$1 dev=${2-} json re
  local -a cmd=("$_ovpnctl_prog") found=()
  local -A seen=()
  [[ -n $_ovpnctl_netns ]] && cmd+=(-n "$_ovpnctl_netns")
  if [[ $what == ifname ]]; then
    json=$("${cmd[@]}" -j link show </dev/null 2>/dev/null)
    re='"ifname": *"([^"]*)"'
  else
    json=$("${cmd[@]}" -j peer show ${dev:+dev "$dev"} </dev/null 2>/dev/null)
    re='"id": *([0-9]+)'
  fi
  while [[ $json =~ $re ]]; do
    [[ -z ${seen[${BASH_REMATCH[1]}]-} ]] && found+=("${BASH_REMATCH[1]}")
    seen[${BASH_REMATCH[1]}]=1
    json=${json#*"${BASH_REMATCH[0]}"}
  done
  printf '%s\n' "${found[@]}"
}

# Completes one value of the given kind.
_ovpnctl_value() {
  local kind=$1 dev=${2-}
  case $kind in
  @*) _ovpnctl_reply "${_ovpnctl_choices[${kind#@}]-}" ;;
  ifname | peerid) _ovpnctl_reply "$(_ovpnctl_live "$kind" "$dev")" ;;
  keyid) _ovpnctl_reply '0 1 2 3 4 5 6 7' ;;
  netns) _ovpnctl_reply "$(command ls /run/netns 2>/dev/null)" ;;
  file)
    compopt -o filenames 2>/dev/null
    mapfile -t COMPREPLY < <(compgen -f -- "$_ovpnctl_cur")
    ;;
  *) COMPREPLY=() ;; # a new name, number or address: nothing to offer
  esac
}

# Words at the current position: the primary ones matching what is typed,
# else the aliases that do (so "l" offers list and ls, "d" only del).
_ovpnctl_primary_or_alias() {
  _ovpnctl_reply "$1"
  ((${#COMPREPLY[@]})) || _ovpnctl_reply "$2"
}

_ovpnctl() {
  local -a words
  local _ovpnctl_cur _ovpnctl_prog _ovpnctl_netns=''
  # Words come from the line itself: bash splits 192.0.2.1:1194 at the
  # colon (COMP_WORDBREAKS), which would miscount the keywords.
  if [[ -n ${COMP_LINE+set} ]]; then
    local line=${COMP_LINE:0:COMP_POINT}
    read -ra words <<<"$line"
    if [[ -z $line || $line == *[[:space:]] ]]; then
      _ovpnctl_cur=''
    else
      _ovpnctl_cur=${words[-1]}
      unset 'words[-1]'
    fi
  else
    words=("${COMP_WORDS[@]:0:COMP_CWORD}")
    _ovpnctl_cur=${COMP_WORDS[COMP_CWORD]}
  fi
  ((${#words[@]})) || return 0
  _ovpnctl_prog=${words[0]}
  [[ $_ovpnctl_prog == \~* ]] && _ovpnctl_prog=ovpnctl
  COMPREPLY=()

  # Global options, as Options.parse reads them.
  local i=1 w n=${#words[@]}
  while ((i < n)); do
    w=${words[i]}
    [[ $w == -- ]] && { ((i++)); break; }
    [[ $w == -?* ]] || break
    [[ $w == --* ]] && w=${w#-}
    if [[ -n ${_ovpnctl_option_kind[$w]-} ]]; then
      if ((i + 1 == n)); then
        _ovpnctl_value "${_ovpnctl_option_kind[$w]-}"
        return 0
      fi
      [[ $w == -n || $w == -netns ]] && _ovpnctl_netns=${words[i + 1]}
      [[ $w == -b || $w == -batch ]] && return 0 # a batch run reads no OBJECT
      ((i += 2))
    else
      ((i++))
    fi
  done

  # OBJECT
  if ((i == n)); then
    if [[ $_ovpnctl_cur == --* ]]; then
      # every option may be spelled with two dashes; offer the long names
      local o long=''
      for o in $_ovpnctl_options; do ((${#o} > 2)) && long+=" -$o"; done
      _ovpnctl_reply "$long"
    elif [[ $_ovpnctl_cur == -* ]]; then
      _ovpnctl_reply "$_ovpnctl_options"
    else
      _ovpnctl_reply "$_ovpnctl_objects help"
    fi
    return 0
  fi
  local object=${words[i]}
  ((i++))
  [[ -n ${_ovpnctl_verbs[$object]-} ]] || return 0

  # COMMAND (an object whose only verb is "-" takes keywords directly and
  # accepts its aliases as an optional first word)
  local verb
  if [[ ${_ovpnctl_verbs[$object]-} == ' -' ]]; then
    verb=-
    if ((i < n)) && [[ ${_ovpnctl_verb_of[$object:${words[i]}]-} == - ]]; then
      ((i++))
    fi
  else
    if ((i == n)); then
      _ovpnctl_primary_or_alias "${_ovpnctl_verbs[$object]-} help" "${_ovpnctl_aliases[$object]-}"
      return 0
    fi
    verb=${_ovpnctl_verb_of[$object:${words[i]}]-}
    [[ -n $verb ]] || return 0
    ((i++))
  fi

  # Keywords of OBJECT:VERB
  local spec_key=$object:$verb token positional='' keywords=''
  local -a tokens
  local -A kinds=() repeatable=() used=()
  read -ra tokens <<<"${_ovpnctl_specs[$spec_key]-}"
  for token in "${tokens[@]}"; do
    case $token in
    \<*\> | \[*\]) positional=${token:1:-1} ;;
    *=*)
      local name=${token%%=*}
      if [[ $name == *\* ]]; then
        name=${name%\*}
        repeatable[$name]=1
      fi
      kinds[$name]=${token#*=}
      keywords+=" $name"
      ;;
    esac
  done

  local first=$i pending='' dev='' given=''
  local -a values=()
  for ((; i < n; i++)); do
    w=${words[i]}
    if ((${#values[@]})); then
      [[ $pending == dev ]] && dev=$w
      values=("${values[@]:1}")
      continue
    fi
    # The positional is the first word that is not a keyword (setconf dev NAME FILE).
    if [[ -n $positional && -z $given && -z ${kinds[$w]-} ]]; then
      given=1
      continue
    fi
    if [[ -n ${kinds[$w]-} ]]; then
      used[$w]=1
      pending=$w
      IFS=',' read -ra values <<<"${kinds[$w]-}"
    fi
  done

  if ((${#values[@]})); then
    _ovpnctl_value "${values[0]}" "$dev"
    return 0
  fi
  if [[ -n $positional && -z $given ]]; then
    _ovpnctl_value "$positional"
    [[ $positional == newname && $i == "$first" ]] && return 0
  fi

  local offer='' k c excluded
  for k in $keywords; do
    [[ -n ${used[$k]-} && -z ${repeatable[$k]-} ]] && continue
    excluded=''
    for c in ${_ovpnctl_conflicts[$spec_key:$k]-}; do
      [[ -n ${used[$c]-} ]] && excluded=1
    done
    [[ -n $excluded ]] || offer+=" $k"
  done
  if [[ $verb == - && $i == "$first" ]]; then
    local -a keep=("${COMPREPLY[@]}")
    _ovpnctl_primary_or_alias "$offer help" "${_ovpnctl_aliases[$object]-}"
    COMPREPLY=("${keep[@]}" "${COMPREPLY[@]}")
  elif [[ -n $offer ]]; then
    local -a keep=("${COMPREPLY[@]}")
    _ovpnctl_reply "$offer"
    COMPREPLY=("${keep[@]}" "${COMPREPLY[@]}")
  fi
  return 0
}

complete -o nosort -F _ovpnctl ovpnctl 2>/dev/null || complete -F _ovpnctl ovpnctl
