"""The place tables written for the project, read by :mod:`engine.resolve.places`: the ways people write a city
(aliases), IATA's multi-airport city codes, everyday words that are also codes, the main airports of cities whose
airports airportsdata files elsewhere (the metropolitan table), US states, the countries people append to a city,
how the metropolitan table's cities are answered, and airports' nicknames."""
from __future__ import annotations

# Common ways people write a city. Keys are lowercase; values are airportsdata city names.
ALIASES = {
    "sf": "San Francisco", "san fran": "San Francisco", "frisco": "San Francisco",
    "nyc": "New York", "ny": "New York", "new york city": "New York", "the big apple": "New York",
    "big apple": "New York",
    "la": "Los Angeles", "l.a.": "Los Angeles", "philly": "Philadelphia", "chi-town": "Chicago",
    "chitown": "Chicago", "vegas": "Las Vegas", "dc": "Washington", "washington dc": "Washington",
    "washington d.c.": "Washington", "nola": "New Orleans", "atl": "Atlanta", "sd": "San Diego",
    "mexico city": "Mexico City", "ciudad de mexico": "Mexico City", "cdmx": "Mexico City",
    "taipei city": "Taipei", "bombay": "Mumbai", "peking": "Beijing", "frankfurt": "Frankfurt am Main",
    "salt lake": "Salt Lake City", "saigon": "Ho Chi Minh City", "rio": "Rio de Janeiro",
    "sao paulo": "Sao Paulo", "the twin cities": "Minneapolis", "big d": "Dallas", "motor city": "Detroit",
    # the names cities have in their own language, where airportsdata files them under the English one
    "koln": "Cologne", "munchen": "Munich", "nurnberg": "Nuremberg", "wien": "Vienna", "praha": "Prague",
    "roma": "Rome", "milano": "Milan", "firenze": "Florence", "venezia": "Venice", "napoli": "Naples",
    "lisboa": "Lisbon", "moskva": "Moscow", "warszawa": "Warsaw", "krakow": "Krakow",
    "kobenhavn": "Copenhagen", "bruxelles": "Brussels", "brussel": "Brussels", "geneve": "Geneva",
    "athina": "Athens",
    "bali": "Denpasar-Bali Island", "denpasar": "Denpasar-Bali Island", "seville": "Sevilla", "kiev": "Kyiv",
    "bucuresti": "Bucharest", "sankt peterburg": "St Petersburg", "ciudad de panama": "Panama City",
}

# IATA's multi-airport city codes -> the city (whose airports METRO_AIRPORTS orders)
CITY_CODES = {
    "LON": "London", "NYC": "New York", "PAR": "Paris", "TYO": "Tokyo", "CHI": "Chicago", "WAS": "Washington",
    "MIL": "Milan", "ROM": "Rome", "MOW": "Moscow", "SEL": "Seoul", "BJS": "Beijing", "OSA": "Osaka",
    "STO": "Stockholm", "YTO": "Toronto", "YMQ": "Montreal", "BUE": "Buenos Aires", "SAO": "Sao Paulo",
    "RIO": "Rio de Janeiro", "JKT": "Jakarta", "DTT": "Detroit", "YEA": "Edmonton", "REK": "Reykjavik",
    "BER": "Berlin",
}

# Everyday lowercase words that are also IATA codes: typed lowercase, they are words, not airports.
WORDS_NOT_CODES = frozenset("""
the for and bus can all yes are way get any fly buy new out not see day lot but air may has too off try via
let yet got car our fun six bit end nah far fro say who red ask big pet ten hip hop kid mom non run sit top wow
bad due fin had her ill ink loo old ore pop sir tip she him war won law man men win led ago cup age per cut son
key pay low tax act art met saw aid gas sea bid bay ban pro ran van era boy hot sun add guy box bar nor mid bin
row die arm tie lay dog dry gap cap def eat pan fat bed ads eve tea lie dam bag bat spy mad max sad cat lap sub
hat bet dad sum hub odd pit wet rid tag toy mud pen pot rod tee tap inn ham spa bow ace mob tan ear shy rap ash
sin ram jam lit pin tin amp dig moo est con one two san las los mon tue wed thu fri sat jan feb mar apr jun
jul aug sep oct nov dec
""".split())

# Main airports of cities whose busiest airports airportsdata files under another municipality
# (DFW under "Dallas-Fort Worth", YYZ under "Mississauga", EZE under "Ezeiza", ...): listed first, in
# this order; the key is the city's name as answered.
METRO_AIRPORTS = {
    "buenos aires": ["EZE", "AEP"], "frankfurt am main": ["FRA"], "cincinnati": ["CVG", "LUK"],
    "reykjavik": ["KEF", "RKV"], "rio de janeiro": ["GIG", "SDU"], "venice": ["VCE", "TSF"],
    "jakarta": ["CGK", "HLP"], "edmonton": ["YEG"], "munich": ["MUC"], "zurich": ["ZRH"], "florence": ["FLR"], "medellin": ["MDE", "EOH"],
    "new york": ["JFK", "LGA", "EWR"], "washington": ["IAD", "DCA", "BWI"], "chicago": ["ORD", "MDW"],
    "dallas": ["DFW", "DAL"], "houston": ["IAH", "HOU"], "seattle": ["SEA"], "toronto": ["YYZ", "YTZ"],
    "vancouver": ["YVR"], "montreal": ["YUL"], "london": ["LHR", "LGW", "STN", "LTN", "LCY", "SEN"],
    "paris": ["CDG", "ORY"], "berlin": ["BER"], "tokyo": ["HND", "NRT"], "osaka": ["KIX", "ITM"],
    "seoul": ["ICN", "GMP"], "shanghai": ["PVG", "SHA"], "beijing": ["PEK", "PKX"], "milan": ["MXP", "LIN", "BGY"],
    "rome": ["FCO", "CIA"], "moscow": ["SVO", "DME", "VKO"], "sao paulo": ["GRU", "CGH", "VCP"],
    "mexico city": ["MEX"], "los angeles": ["LAX"], "san francisco": ["SFO"], "miami": ["MIA"],
    "atlanta": ["ATL"], "boston": ["BOS"], "denver": ["DEN"], "baltimore": ["BWI"], "detroit": ["DTW"],
    "minneapolis": ["MSP"], "philadelphia": ["PHL"], "phoenix": ["PHX"], "orlando": ["MCO"],
    "las vegas": ["LAS"], "san diego": ["SAN"], "portland": ["PDX", "PWM"], "sydney": ["SYD"],
    "melbourne": ["MEL"], "stockholm": ["ARN", "BMA"], "bangkok": ["BKK", "DMK"], "istanbul": ["IST", "SAW"],
    "dubai": ["DXB"], "delhi": ["DEL"], "new delhi": ["DEL"], "mumbai": ["BOM"], "nairobi": ["NBO"],
    # names a smaller place with an airport shares, the one travellers mean first, whose town GeoNames lists
    # under another name ("Napoli", "Newcastle upon Tyne", "Victoria de Durango") or that is small and flown to
    "naples": ["NAP"], "newcastle": ["NCL"], "durango": ["DGO"], "la paz": ["LPB"], "queenstown": ["ZQN"],
    # islands and resorts travellers name by the island or the resort, their airports filed under a town
    "maui": ["OGG"], "kauai": ["LIH"], "hawaii": ["HNL", "OGG", "KOA", "LIH"], "jackson hole": ["JAC"],
    "marthas vineyard": ["MVY"], "lake tahoe": ["RNO", "TVL"], "aruba": ["AUA"], "bermuda": ["BDA"],
    "bahamas": ["NAS"], "the bahamas": ["NAS"], "jamaica": ["MBJ", "KIN"], "cabo": ["SJD"], "cabo san lucas": ["SJD"],
    "mallorca": ["PMI"], "majorca": ["PMI"], "tenerife": ["TFS", "TFN"], "santorini": ["JTR"],
}

US_STATES = {
    "al": "Alabama", "ak": "Alaska", "az": "Arizona", "ar": "Arkansas", "ca": "California", "co": "Colorado",
    "ct": "Connecticut", "de": "Delaware", "fl": "Florida", "ga": "Georgia", "hi": "Hawaii", "id": "Idaho",
    "il": "Illinois", "in": "Indiana", "ia": "Iowa", "ks": "Kansas", "ky": "Kentucky", "la": "Louisiana",
    "me": "Maine", "md": "Maryland", "ma": "Massachusetts", "mi": "Michigan", "mn": "Minnesota",
    "ms": "Mississippi", "mo": "Missouri", "mt": "Montana", "ne": "Nebraska", "nv": "Nevada",
    "nh": "New Hampshire", "nj": "New Jersey", "nm": "New Mexico", "ny": "New York", "nc": "North Carolina",
    "nd": "North Dakota", "oh": "Ohio", "ok": "Oklahoma", "or": "Oregon", "pa": "Pennsylvania",
    "ri": "Rhode Island", "sc": "South Carolina", "sd": "South Dakota", "tn": "Tennessee", "tx": "Texas",
    "ut": "Utah", "vt": "Vermont", "va": "Virginia", "wa": "Washington", "wv": "West Virginia",
    "wi": "Wisconsin", "wy": "Wyoming", "dc": "District of Columbia",
}

COUNTRIES = {  # names people append to a city -> ISO 3166 alpha-2, as airportsdata stores it
    "usa": "US", "us": "US", "united states": "US", "america": "US", "canada": "CA", "mexico": "MX",
    "uk": "GB", "united kingdom": "GB", "england": "GB", "scotland": "GB", "france": "FR", "germany": "DE",
    "spain": "ES", "italy": "IT", "portugal": "PT", "netherlands": "NL", "ireland": "IE", "greece": "GR",
    "turkey": "TR", "australia": "AU", "new zealand": "NZ", "japan": "JP", "china": "CN", "taiwan": "TW",
    "korea": "KR", "south korea": "KR", "india": "IN", "thailand": "TH", "singapore": "SG", "kenya": "KE",
    "brazil": "BR", "argentina": "AR", "egypt": "EG", "south africa": "ZA", "uae": "AE", "russia": "RU",
    "nsw": "AU", "bc": "CA", "ontario": "CA", "quebec": "CA",
}

METRO_NAMES = {  # how the metro table's cities are answered
    "new york": "New York", "washington": "Washington", "sao paulo": "São Paulo", "montreal": "Montréal",
    "frankfurt am main": "Frankfurt am Main", "reykjavik": "Reykjavík", "zurich": "Zürich",
    "marthas vineyard": "Martha's Vineyard", "the bahamas": "Bahamas", "cabo san lucas": "Cabo San Lucas",
}
# Names of airports travellers use that airportsdata's names do not hold as they are said
AIRPORT_NICKNAMES = {"sea tac": "SEA", "seatac": "SEA", "la guardia": "LGA", "kennedy": "JFK", "dfw airport": "DFW",
                     "reagan national": "DCA", "ohare": "ORD", "de gaulle": "CDG", "schiphol": "AMS"}
