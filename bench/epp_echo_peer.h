// The peer of bench/epp_bench: an ext_proc server on gRPC C++ that answers the same messages as
// `sluice epp` with a fixed destination and no parsing or scheduling. It uses gRPC's asynchronous
// completion-queue API polled by one thread, the lowest-latency way gRPC C++ serves a stream (its
// callback API hands each message through two more threads).
#pragma once

/// Serves on 127.0.0.1 (a free port, printed as "echo on port N") until killed.
int serve_echo_peer();
