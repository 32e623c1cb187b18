module github.com/scrub837/scrub837

go 1.26.8

require (
	github.com/moov-io/x12 v0.1.0
	github.com/spf13/pflag v1.1.0
	github.com/stretchr/testify v1.12.1
)

require go.yaml.in/yaml/v3 v3.0.5 // indirect
