/* The batch commands: `sockpit COMMAND [OPTIONS]`. Each takes argv with
 * argv[0] == the command name, handles --help itself, and returns the exit
 * status (0 ok, 1 runtime failure, 2 usage error). */
#ifndef SOCKPIT_COMMANDS_H
#define SOCKPIT_COMMANDS_H

int cmd_services(int argc, char **argv);
int cmd_hosts(int argc, char **argv);
int cmd_watch(int argc, char **argv);
int cmd_chat(int argc, char **argv);
int cmd_serve(int argc, char **argv);
int cmd_conns(int argc, char **argv);
int cmd_forward(int argc, char **argv);
int cmd_wake(int argc, char **argv);
int cmd_probe(int argc, char **argv);

#endif
