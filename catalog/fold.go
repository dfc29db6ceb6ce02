package catalog

import (
	"strings"
	"unicode"
)

// Fold maps text to the form search compares: lower case; Kazakh letters folded to their
// Russian neighbours (ә→а, ғ→г, қ→к, ң→н, ө→о, ұ/ү→у, һ→х, і→и); ё→е, й→и, э→е; the
// soft and hard signs dropped; and Latin letters (Russian-style transliteration and the
// Kazakh Latin alphabet alike) transliterated to Cyrillic, digraphs first. So "Шаңырақ",
// "шанырак" and "shanyraq" all fold to "шанырак". Everything else (digits, punctuation,
// other scripts) is kept as it is. Fold is idempotent.
func Fold(s string) string {
	s = strings.ToLower(s)
	var b strings.Builder
	b.Grow(len(s))
	runes := []rune(s)
	for i := 0; i < len(runes); i++ {
		r := runes[i]
		if i+1 < len(runes) {
			if d, ok := latinDigraphs[string(runes[i:i+2])]; ok {
				b.WriteString(d)
				i++
				continue
			}
		}
		if f, ok := foldRune[r]; ok {
			b.WriteString(f)
			continue
		}
		if unicode.IsSpace(r) {
			r = ' '
		}
		b.WriteRune(r)
	}
	return b.String()
}

// latinDigraphs are pairs of Latin letters that stand for one Cyrillic letter.
var latinDigraphs = map[string]string{
	"sh": "ш", "ch": "ч", "zh": "ж", "kh": "х", "ts": "ц", "gh": "г",
	"ya": "я", "yu": "ю", "yo": "е", "ye": "е",
}

// foldRune maps single letters; a value of "" drops the letter.
var foldRune = map[rune]string{
	// Kazakh Cyrillic to its Russian neighbours, and Russian letters search treats alike.
	'ә': "а", 'ғ': "г", 'қ': "к", 'ң': "н", 'ө': "о", 'ұ': "у", 'ү': "у", 'һ': "х", 'і': "и",
	'ё': "е", 'й': "и", 'э': "е", 'ь': "", 'ъ': "",
	// Latin, including the letters of the Kazakh Latin alphabet.
	'a': "а", 'b': "б", 'c': "ц", 'd': "д", 'e': "е", 'f': "ф", 'g': "г", 'h': "х", 'i': "и",
	'j': "ж", 'k': "к", 'l': "л", 'm': "м", 'n': "н", 'o': "о", 'p': "п", 'q': "к", 'r': "р",
	's': "с", 't': "т", 'u': "у", 'v': "в", 'w': "в", 'x': "кс", 'y': "ы", 'z': "з",
	'ä': "а", 'ğ': "г", 'ı': "ы", 'ñ': "н", 'ö': "о", 'ş': "ш", 'ü': "у", 'ū': "у", 'ç': "ч",
}
