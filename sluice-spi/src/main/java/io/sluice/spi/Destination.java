package io.sluice.spi;

/** A configured destination. Created by {@link DestinationFactory#create}; creation does not connect. */
public interface Destination extends AutoCloseable {

  /** Probes that the destination is reachable and writable; reports every failed probe. */
  CheckResult check();

  /**
   * Opens a writer for one stream, creating or evolving the destination table to fit the stream's columns.
   * May be called from several threads for different streams.
   */
  StreamWriter openStream(WriteRequest request);

  @Override
  void close();
}
