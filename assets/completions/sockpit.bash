# bash completion for sockpit
_sockpit() {
    local cur prev cmd i
    COMPREPLY=()
    cur=${COMP_WORDS[COMP_CWORD]}
    prev=${COMP_WORDS[COMP_CWORD-1]}
    cmd=""
    for ((i = 1; i < COMP_CWORD; i++)); do
        case ${COMP_WORDS[i]} in
            services|hosts|watch|chat|serve|help) cmd=${COMP_WORDS[i]}; break ;;
        esac
    done

    case $prev in
        --pane) COMPREPLY=($(compgen -W "services hosts watch chat" -- "$cur")); return ;;
        --proto) COMPREPLY=($(compgen -W "tcp udp sctp dccp ddp" -- "$cur")); return ;;
        --keepalive) COMPREPLY=($(compgen -W "off 60,30,10" -- "$cur")); return ;;
        --sort-services) COMPREPLY=($(compgen -W "listening port name" -- "$cur")); return ;;
        --sort-hosts) COMPREPLY=($(compgen -W "address name vendor mac state iface" -- "$cur")); return ;;
        --sort-watch) COMPREPLY=($(compgen -W "name change rtt errors" -- "$cur")); return ;;
        --services-file|--replies) COMPREPLY=($(compgen -f -- "$cur")); return ;;
        --state-dir|--config-dir) COMPREPLY=($(compgen -d -- "$cur")); return ;;
        --dns-server|--range|--find|--sweep|--sweep-concurrency|--probe-rate|--interval|--count|\
        --duration|--max-frame|--max-clients|--max-memory|--frame-timeout|--idle-timeout|--listen|--chat|\
        --timeout) return ;;
    esac

    local opts
    case $cmd in
        "") opts="--pane --dns-server --no-color --services-file --sweep-concurrency --probe-rate
                  --interval --ttl-mode --log-size --state-dir --config-dir --chat --keepalive --max-frame
                  --sort-services --sort-hosts --sort-watch --print-config --version --help"
            if [[ $cur != -* ]]; then
                COMPREPLY=($(compgen -W "services hosts watch chat serve help" -- "$cur"))
                return
            fi ;;
        help) COMPREPLY=($(compgen -W "services hosts watch chat serve" -- "$cur")); return ;;
        services) opts="--services-file --range --proto --listening --json --find --help" ;;
        hosts) opts="--json --all --interfaces --no-resolve --dns-server --sweep --probe --probe-rate
                     --sweep-concurrency --help" ;;
        watch) opts="--dns-server --interval --ttl-mode --count --duration --json --stats --log-size --state-dir
                     --config-dir --help" ;;
        chat) opts="--keepalive --max-frame --dns-server --timeout --help" ;;
        serve) opts="--listen --replies --room --max-frame --max-clients --max-memory --frame-timeout
                     --idle-timeout --keepalive --help" ;;
    esac
    COMPREPLY=($(compgen -W "$opts" -- "$cur"))
}
complete -F _sockpit sockpit
