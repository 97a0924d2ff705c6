package frontend

// routes declares every route of the server, in one place.
func (s *Server) routes() {
	e := s.engine
	e.GET("/healthz", s.healthz)
	e.GET("/readyz", s.readyz)
	e.NoRoute(s.notFound)
	e.NoMethod(s.notFound)
}
