#include <catch2/catch.hpp>

#include "room/room_registry.h"

using namespace swiftcall::room;

TEST_CASE("room ids are unique and random ids are JavaScript-safe") {
    RoomRegistry rooms;
    RoomSettings s;
    s.id = 1234;
    REQUIRE(rooms.create(s));
    CHECK_FALSE(rooms.create(s));
    auto random = rooms.create(RoomSettings{});
    REQUIRE(random);
    CHECK(random->id() != 0);
    CHECK(random->id() < (1ull << 53));
    CHECK(rooms.find(1234));
    CHECK(rooms.remove(1234));
    CHECK_FALSE(rooms.find(1234));
    CHECK_FALSE(rooms.remove(1234));
    for (int i = 0; i < 100; i++) {
        CHECK(rooms.random_id() < (1ull << 53));
        CHECK(rooms.random_private_id() != 0);
    }
}

TEST_CASE("expired subscribers drop out of the room's list") {
    Room room(RoomSettings{});
    auto kept = std::make_shared<Subscriber>();
    {
        auto gone = std::make_shared<Subscriber>();
        std::lock_guard guard(room.mutex);
        room.subscriber_list.push_back(kept);
        room.subscriber_list.push_back(gone);
    }
    auto alive = room.subscribers();
    REQUIRE(alive.size() == 1);
    CHECK(alive[0] == kept);
}
