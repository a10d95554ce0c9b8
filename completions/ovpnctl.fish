# fish completion for ovpnctl(8)
#
# Install as .../fish/vendor_completions.d/ovpnctl.fish.
# Completes global options, objects, commands, the keywords a command still
# accepts (a keyword already given is not offered again unless it repeats),
# enumeration values, file names after encrypt/decrypt/status/-batch, and live
# interface names and peer ids read from `ovpnctl -j ... show`.
#
# The grammar block below is data. Its format is shared with the bash and zsh
# completions (see ovpnctl.bash for a description). It is generated from the
# grammar table (Sources/ovpnctl/Grammar/Grammar.swift) by scripts/completions:
# do not edit it by hand.

# >>> ovpnctl grammar
set -g __ovpnctl_grammar '
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

# The fields after KIND KEY on the grammar line for them.
function __ovpnctl_fields --argument-names kind key
    for line in (string split \n -- $__ovpnctl_grammar)
        set -l f (string split -n ' ' -- $line)
        if test (count $f) -ge 2; and test "$f[1]" = "$kind"; and test "$f[2]" = "$key"
            string join \n -- $f[3..-1]
            return 0
        end
    end
    return 1
end

# The value kind of global option NAME, if it takes a value.
function __ovpnctl_option_kind --argument-names name
    for line in (string split \n -- $__ovpnctl_grammar)
        set -l f (string split -n ' ' -- $line)
        test "$f[1]" = option; or continue
        for word in $f[2..-1]
            set -l parts (string split -m 1 = -- $word)
            if contains -- $name (string split '|' -- $parts[1]); and set -q parts[2]
                echo $parts[2]
                return 0
            end
        end
    end
    return 1
end

function __ovpnctl_options
    for line in (string split \n -- $__ovpnctl_grammar)
        set -l f (string split -n ' ' -- $line)
        test "$f[1]" = option; or continue
        for word in $f[2..-1]
            string split '|' -- (string split -m 1 = -- $word)[1]
        end
    end
end

# The primary verbs of OBJECT ("-" alone: it takes keywords directly).
function __ovpnctl_verbs --argument-names object
    for group in (__ovpnctl_fields object $object)
        set -l names (string split '|' -- $group)
        echo $names[1]
    end
end

# The primary verb WORD stands for ("-" for the optional first word of an
# object without verbs).

function __ovpnctl_verb_of --argument-names object word
    for group in (__ovpnctl_fields object $object)
        set -l names (string split '|' -- $group)
        if contains -- $word $names
            echo $names[1]
            return 0
        end
    end
    return 1
end

function __ovpnctl_aliases --argument-names object
    for group in (__ovpnctl_fields object $object)
        set -l names (string split '|' -- $group)
        for a in $names[2..-1]
            if test "$names[1]" = -
                printf '%s\t%s\n' $a 'optional, changes nothing'
            else
                printf '%s\t%s\n' $a "alias of $names[1]"
            end
        end
    end
end

function __ovpnctl_kind_text --argument-names kind
    switch $kind
        case ifname
            echo interface
        case newname
            echo 'new interface name'
        case peerid
            echo 'peer id'
        case newid
            echo 'peer id (0..16777215)'
        case num
            echo number
        case keyid
            echo 'key id (0..7)'
        case addr
            echo address
        case endpoint
            echo 'ADDR:PORT'
        case local
            echo '[ADDR]:PORT'
        case file
            echo file
        case netns
            echo 'network namespace'
        case '@*'
            string join '|' (__ovpnctl_fields choice (string sub -s 2 -- $kind))
        case '*'
            echo $kind
    end
end

# Live values, parsed from ovpnctl's own JSON without jq: interface names
# (`-j link show`) or peer ids (`-j peer show [dev NAME]`).
function __ovpnctl_live --argument-names prog netns what dev
    set -l cmd $prog
    test -n "$netns"; and set -a cmd -n $netns
    if test "$what" = ifname
        $cmd -j link show </dev/null 2>/dev/null | string match -rag '"ifname": *"([^"]*)"'
    else
        set -l sel
        test -n "$dev"; and set sel dev $dev
        $cmd -j peer show $sel </dev/null 2>/dev/null | string match -rag '"id": *([0-9]+)'
    end | sort -u
end

# Candidates for one value of the given kind.
function __ovpnctl_value --argument-names kind prog netns dev
    set -l text (__ovpnctl_kind_text $kind)
    switch $kind
        case '@*'
            __ovpnctl_fields choice (string sub -s 2 -- $kind)
        case ifname peerid
            for v in (__ovpnctl_live $prog "$netns" $kind "$dev")
                printf '%s\t%s\n' $v $text
            end
        case keyid
            seq 0 7
        case netns
            for p in /run/netns/*
                basename $p
            end
        case file
            __fish_complete_path (commandline -ct)
    end
end

# Prints the primary candidates matching the current token, or, when none
# does, the aliases (so "l" offers list and ls, "d" only del).
function __ovpnctl_primary_or_alias --argument-names object
    set -l cur (commandline -ct)
    set -l primary $argv[2..-1]
    for p in $primary
        if string match -q -- "$cur*" (string split -m 1 \t -- $p)[1]
            printf '%s\n' $primary
            return
        end
    end
    set -l aliases (__ovpnctl_aliases $object)
    for a in $aliases
        if string match -q -- "$cur*" (string split -m 1 \t -- $a)[1]
            printf '%s\n' $aliases
            return
        end
    end
    printf '%s\n' $primary
end

function __ovpnctl_complete
    set -l before (commandline -opc)
    set -l cur (commandline -ct)
    set -l prog $before[1]
    string match -q -- '~*' $prog; and set prog ovpnctl
    set -e before[1]
    set -l n (count $before)
    set -l netns

    # Global options, as Options.parse reads them.
    set -l i 1
    while test $i -le $n
        set -l w $before[$i]
        if test "$w" = --
            set i (math $i + 1)
            break
        end
        string match -q -- '-?*' $w; or break
        string match -q -- '--*' $w; and set w (string sub -s 2 -- $w)
        set -l kind (__ovpnctl_option_kind $w)
        if test -n "$kind"
            if test $i -eq $n
                __ovpnctl_value $kind $prog "$netns" ''
                return
            end
            contains -- $w -n -netns; and set netns $before[(math $i + 1)]
            contains -- $w -b -batch; and return # a batch run reads no OBJECT
            set i (math $i + 2)
        else
            set i (math $i + 1)
        end
    end

    # OBJECT
    if test $i -gt $n
        if string match -q -- '--*' $cur
            # every option may be spelled with two dashes; offer the long names
            for o in (__ovpnctl_options)
                string match -q -- '-??*' $o; and echo -$o
            end
        else if string match -q -- '-*' $cur
            __ovpnctl_options
        else
            printf '%s\t%s\n' link 'ovpn interfaces' peer 'peers of an interface' \
                key 'data channel keys' stats 'per-peer traffic counters' \
                monitor 'kernel events' metrics 'Prometheus endpoint' \
                top 'live per-peer rates' showconf 'interface as a configuration file' \
                setconf 'apply a configuration file' syncconf 'apply only what differs' \
                up 'create an interface from a file' down 'delete an interface' \
                help 'print the usage'
        end
        return
    end
    set -l object $before[$i]
    set i (math $i + 1)
    set -l verbs (__ovpnctl_verbs $object)
    test (count $verbs) -gt 0; or return

    # COMMAND (an object whose only verb is "-" takes keywords directly and
    # accepts its aliases as an optional first word)
    set -l verb
    if test "$verbs" = -
        set verb -
        if test $i -le $n
            set -l v (__ovpnctl_verb_of $object $before[$i])
            test "$v" = -; and set i (math $i + 1)
        end
    else
        if test $i -gt $n
            __ovpnctl_primary_or_alias $object $verbs help\t'print the usage'
            return
        end
        set verb (__ovpnctl_verb_of $object $before[$i]); or return
        set i (math $i + 1)
    end

    # Keywords of OBJECT:VERB
    set -l cmd $object:$verb
    set -l positional
    set -l keywords
    set -l kinds
    set -l repeatable
    for token in (__ovpnctl_fields command $cmd)
        switch $token
            case '<*>' '[*]'
                set positional (string sub -s 2 -e -1 -- $token)
            case '*=*'
                set -l parts (string split -m 1 = -- $token)
                set -l name $parts[1]
                if string match -q -- '*\*' $name
                    set name (string sub -e -1 -- $name)
                    set -a repeatable $name
                end
                set -a keywords $name
                set -a kinds $parts[2]
        end
    end
    set -l conflict_lines
    for line in (string split \n -- $__ovpnctl_grammar)
        set -l f (string split -n ' ' -- $line)
        test "$f[1]" = conflict -a "$f[2]" = $cmd; and set -a conflict_lines (string join ' ' -- $f[3..-1])
    end

    set -l first $i
    set -l pending
    set -l values
    set -l used
    set -l dev
    set -l given
    while test $i -le $n
        set -l w $before[$i]
        set i (math $i + 1)
        if test (count $values) -gt 0
            test "$pending" = dev; and set dev $w
            set -e values[1]
            continue
        end
        set -l at (contains -i -- $w $keywords)
        # The positional is the first word that is not a keyword (setconf dev NAME FILE).
        if test -n "$positional"; and test -z "$given"; and test -z "$at"
            set given 1
            continue
        end
        if test -n "$at"
            set -a used $w
            set pending $w
            set values (string split , -- $kinds[$at])
        end
    end

    if test (count $values) -gt 0
        __ovpnctl_value $values[1] $prog "$netns" "$dev"
        return
    end
    if test -n "$positional"; and test -z "$given"
        __ovpnctl_value $positional $prog "$netns" ''
        test "$positional" = newname; and test $i -eq $first; and return
    end

    set -l offer
    for k in $keywords
        if contains -- $k $used; and not contains -- $k $repeatable
            continue
        end
        set -l excluded
        for line in $conflict_lines
            set -l group (string split ' ' -- $line)
            # group[1] excludes each of the others, and each of them excludes group[1]
            if test "$k" = "$group[1]"
                for c in $group[2..-1]
                    contains -- $c $used; and set excluded 1
                end
            else if contains -- $k $group[2..-1]
                contains -- $group[1] $used; and set excluded 1
            end
        end
        test -n "$excluded"; and continue
        set -l at (contains -i -- $k $keywords)
        set -l texts
        for kind in (string split , -- $kinds[$at])
            set -a texts (__ovpnctl_kind_text $kind)
        end
        set -l text (string join ' ' -- $texts)
        set -a offer "$k"\t"$text"
    end
    if test "$verb" = -; and test $i -eq $first
        __ovpnctl_primary_or_alias $object $offer help\t'print the usage'
        return
    end
    printf '%s\n' $offer
end

complete -c ovpnctl -e
complete -c ovpnctl -f -a '(__ovpnctl_complete)'
