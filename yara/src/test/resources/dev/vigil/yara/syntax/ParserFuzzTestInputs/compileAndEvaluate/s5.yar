rule e { condition: for any s in ("a", "b") : (s == "a") and for any i in (1, 2, 3) : (i == 2) }
include "x.yar"
