package io.sluice.spi.config;

/** The JSON type a config key must have. */
public enum FieldType {
  STRING,
  INTEGER,
  NUMBER,
  BOOLEAN,
  /** A JSON array; {@link ConfigField#itemType()} gives the element type. */
  ARRAY,
  /** A JSON object; {@link ConfigField#properties()} lists its keys. */
  OBJECT
}
