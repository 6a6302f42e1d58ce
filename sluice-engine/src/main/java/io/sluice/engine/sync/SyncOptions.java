package io.sluice.engine.sync;

/**
 * Engine dials, with their defaults in one place (pinned by a test). Defaults suit a 2-core machine.
 *
 * @param maxConcurrentStreams streams synced at once
 * @param batchRows rows per batch handed from a reader to its writer
 * @param channelBatches batches a lane's channel holds before the reader blocks
 * @param channelBytes bytes a lane's channel holds before the reader blocks
 */
public record SyncOptions(int maxConcurrentStreams, int batchRows, int channelBatches, long channelBytes) {
  public static final SyncOptions DEFAULTS = new SyncOptions(2, 1024, 16, 32L * 1024 * 1024);

  public SyncOptions {
    if (maxConcurrentStreams < 1 || batchRows < 1 || channelBatches < 1 || channelBytes < 1) {
      throw new IllegalArgumentException("Cannot use sync options " + maxConcurrentStreams + "/" + batchRows + "/"
          + channelBatches + "/" + channelBytes + ": every dial must be positive");
    }
  }

  public SyncOptions withMaxConcurrentStreams(int streams) {
    return new SyncOptions(streams, batchRows, channelBatches, channelBytes);
  }
}
