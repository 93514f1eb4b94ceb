module divert.example/consumers/go

go 1.19
