module fanoutload

go 1.19
