package io.sluice.source.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TestPostgresChunkCount {
  @Test
  void smallTablesStayWhole() {
    PostgresChunkPlanner planner = new PostgresChunkPlanner(500_000, 2);
    assertThat(planner.chunkCount(0)).isEqualTo(1);
    assertThat(planner.chunkCount(10_000)).isEqualTo(1);
    assertThat(planner.chunkCount(99_999)).as("one 50k-row chunk per reader is not worth splitting below")
        .isEqualTo(1);
  }

  @Test
  void midSizedTablesGetTwoChunksPerReader() {
    PostgresChunkPlanner planner = new PostgresChunkPlanner(500_000, 2);
    assertThat(planner.chunkCount(1_000_000)).isEqualTo(4);
    assertThat(planner.chunkCount(150_000)).as("rounded up to a multiple of the readers").isEqualTo(4);
  }

  @Test
  void bigTablesFollowTheChunkSizeRoundedToTheReaders() {
    assertThat(new PostgresChunkPlanner(500_000, 2).chunkCount(5_000_000)).isEqualTo(10);
    assertThat(new PostgresChunkPlanner(500_000, 2).chunkCount(5_200_000)).isEqualTo(12);
    assertThat(new PostgresChunkPlanner(500_000, 3).chunkCount(5_000_000)).isEqualTo(12);
    assertThat(new PostgresChunkPlanner(500_000, 1).chunkCount(5_200_000)).isEqualTo(11);
  }
}
