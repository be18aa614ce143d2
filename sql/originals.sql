-- Where each image's original lives in the raw zone, byte for byte: its object, its record there (NULL: the object is the original), and the object's record count, size and sha256 that every read checks.
SELECT * FROM _t_originals
