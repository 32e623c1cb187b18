module github.com/scrub837/scrub837

go 1.26.8
