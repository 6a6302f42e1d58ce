package io.sluice.bench;

import picocli.CommandLine.Option;

/** How a benchmark runs its Debezium peer ({@link DebeziumPeer}): whether, with how much heap, for how long. */
final class PeerOptions {
  @Option(names = "--no-peer", description = "Skip the Debezium peer (two more runs over the same data).")
  boolean noPeer;

  @Option(names = "--peer-heap", description = "Heap of the peer's own JVM (default: ${DEFAULT-VALUE}, Sluice's).")
  String peerHeap = "1g";

  @Option(names = "--peer-timeout-seconds", description = "Stop each peer run after this long and report what it "
      + "delivered by then (default: ${DEFAULT-VALUE}).")
  long peerTimeoutSeconds = 600;
}
