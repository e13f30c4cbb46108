import "pe"
rule a : t1 t2 { meta: x = -1 y = "s" strings: $a = "ab\x00" nocase wide $b = { 61 ?? [1-2] 62 } $c = /a.b/is condition: #a > 1 and @b[1] < 10 and for any i in (1..#c) : (!c[i] > 2) }