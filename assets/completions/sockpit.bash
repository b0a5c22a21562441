# bash completion for sockpit
_sockpit() {
    local cur prev cmd i
    COMPREPLY=()
    cur=${COMP_WORDS[COMP_CWORD]}
    prev=${COMP_WORDS[COMP_CWORD-1]}
    cmd=""
    for ((i = 1; i < COMP_CWORD; i++)); do
        case ${COMP_WORDS[i]} in
            services|hosts|watch|chat|serve|forward|wake|conns|probe|help) cmd=${COMP_WORDS[i]}; break ;;
        esac
    done

    case $prev in
        --pane) COMPREPLY=($(compgen -W "services hosts watch chat conns forward probes" -- "$cur")); return ;;
        --proxy-protocol) COMPREPLY=($(compgen -W "v1 v2 off" -- "$cur")); return ;;
        --proto) COMPREPLY=($(compgen -W "tcp udp sctp dccp ddp" -- "$cur")); return ;;
        --keepalive) COMPREPLY=($(compgen -W "off 60,30,10" -- "$cur")); return ;;
        --sort-services) COMPREPLY=($(compgen -W "listening port name" -- "$cur")); return ;;
        --sort-hosts) COMPREPLY=($(compgen -W "address name vendor mac state iface" -- "$cur")); return ;;
        --sort-watch) COMPREPLY=($(compgen -W "name change rtt errors" -- "$cur")); return ;;
        --state) COMPREPLY=($(compgen -W "established syn-sent syn-recv fin-wait-1 fin-wait-2 time-wait close
                                          close-wait last-ack closing" -- "$cur")); return ;;
        --services-file|--replies|--tls-ca|--tls-cert|--tls-key) COMPREPLY=($(compgen -f -- "$cur")); return ;;
        --state-dir|--config-dir) COMPREPLY=($(compgen -d -- "$cur")); return ;;
        --dns-server|--range|--find|--sweep|--sweep-concurrency|--probe-rate|--interval|--count|\
        --duration|--max-frame|--max-clients|--max-memory|--frame-timeout|--idle-timeout|--listen|--chat|\
        --timeout|--nick|--linger|--allow|--deny|--source|--rate|--total-rate|--burst|--max-conns|\
        --max-conns-per-ip|--connect-timeout|--drain|--resolve|--gone-after|--port|--rates|--process|--pid|--conns-refresh|--concurrency) return ;;
        --interface) COMPREPLY=($(compgen -W "$(ls /sys/class/net 2>/dev/null)" -- "$cur")); return ;;
    esac

    local opts
    case $cmd in
        "") opts="--pane --dns-server --no-color --services-file --sweep-concurrency --probe-rate --resolve
                  --interval --ttl-mode --log-size --exec --exec-timeout --state-dir --config-dir --chat --chat-room --nick --tls-ca --tls-insecure --keepalive --max-frame
                  --sort-services --sort-hosts --sort-watch --conns-refresh --print-config --version --help"
            if [[ $cur != -* ]]; then
                COMPREPLY=($(compgen -W "services hosts watch chat serve forward wake conns probe help" -- "$cur"))
                return
            fi ;;
        help) COMPREPLY=($(compgen -W "services hosts watch chat serve forward wake conns probe" -- "$cur")); return ;;
        services) opts="--services-file --range --proto --listening --json --find --help" ;;
        hosts) opts="--json --all --interfaces --no-resolve --resolve --dns-server --sweep --probe --probe-rate
                     --sweep-concurrency --rates --watch --gone-after --state-dir --help" ;;
        watch) opts="--dns-server --interval --ttl-mode --count --duration --json --stats --compare --log-size --state-dir
                     --config-dir --exec --exec-timeout --help" ;;
        conns) opts="--json --tcp --udp --state --process --pid --rates --services-file --all-namespaces --help" ;;
        chat) opts="--keepalive --max-frame --dns-server --timeout --room --nick --linger --count --duration
                    --tls --tls-ca --tls-insecure --help" ;;
        wake) opts="--interface --port --json --help" ;;
        serve) opts="--listen --replies --room --max-frame --max-clients --max-memory --frame-timeout
                     --idle-timeout --keepalive --tls-cert --tls-key --help" ;;
        forward) opts="--allow --deny --source --rate --total-rate --burst --max-conns --max-conns-per-ip
                       --connect-timeout --idle-timeout --proxy-protocol --drain --json --dns-server
                       --config-dir --help" ;;
        probe) opts="--json --all-states --banner --http --tls --concurrency --rate --timeout --any-address
                     --dns-server --services-file --help" ;;
    esac
    COMPREPLY=($(compgen -W "$opts" -- "$cur"))
}
complete -F _sockpit sockpit
