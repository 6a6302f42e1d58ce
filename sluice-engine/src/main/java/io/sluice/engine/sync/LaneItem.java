package io.sluice.engine.sync;

/** What a lane's reader hands its writer through the channel. */
sealed interface LaneItem {
  /** A batch of rows; only the first {@code count} entries of {@code rows} are filled. */
  record Rows(Object[][] rows, int count) implements LaneItem {}

  /** Every row of split {@code index} has been handed over, {@code rows} in all. */
  record SplitFinished(int index, long rows) implements LaneItem {}

  /** The reader has no more splits. */
  record End() implements LaneItem {}
}
