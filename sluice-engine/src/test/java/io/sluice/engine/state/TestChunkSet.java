package io.sluice.engine.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TestChunkSet {
  @Test
  void encodesRangesAndRoundTrips() {
    ChunkSet set = ChunkSet.empty().with(0).with(1).with(2).with(4).with(7).with(8);
    assertThat(set.encode()).isEqualTo("0-2,4,7-8");
    assertThat(ChunkSet.decode("0-2,4,7-8")).isEqualTo(set);
    assertThat(set.size()).isEqualTo(6);
    assertThat(set.containsAll(3)).isTrue();
    assertThat(set.containsAll(4)).isFalse();
    assertThat(ChunkSet.decode("")).isEqualTo(ChunkSet.empty());
  }

  @Test
  void rejectsGarbage() {
    assertThatThrownBy(() -> ChunkSet.decode("3-1")).hasMessageContaining("'3-1'");
    assertThatThrownBy(() -> ChunkSet.decode("a")).hasMessageContaining("expected ranges");
  }
}
