//! Live mode, against stand-ins for the real APIs on 127.0.0.1.
