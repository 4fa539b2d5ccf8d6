def test_home_renders_place_tree(client, tree):
    response = client.get("/")
    assert response.status_code == 200
    assert "街道1" in response.content.decode()
