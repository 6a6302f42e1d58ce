package io.sluice.spi;

import java.util.Objects;

/**
 * A column of a stream.
 *
 * @param name the column name exactly as the source spells it (case and all)
 * @param type the logical type values are carried in
 * @param nullable whether the source allows NULL
 * @param sourceType the source's own type name, for humans (e.g. {@code numeric(12,2)}, {@code _int4})
 */
public record Column(String name, DataType type, boolean nullable, String sourceType) {
  public Column {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(sourceType, "sourceType");
  }
}
