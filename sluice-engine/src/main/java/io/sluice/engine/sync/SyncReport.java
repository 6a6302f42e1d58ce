package io.sluice.engine.sync;

import java.util.List;

/** The outcome of a sync: one result per stream, in the order of the streams file. */
public record SyncReport(List<StreamResult> streams) {
  public SyncReport {
    streams = List.copyOf(streams);
  }

  public boolean succeeded() {
    return streams.stream().allMatch(StreamResult::succeeded);
  }
}
